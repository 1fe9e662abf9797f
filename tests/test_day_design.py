"""The therapist's day, designed (issue 10), without a browser: the client page leads
with progress and stays a bounded number of queries, dates follow the locale, the
record-assessment form offers the planned measures, an alert card's error stays in the
card, and a baseline is not a win."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from strides.alerts.models import Alert
from strides.assessments.services import assessment_record
from strides.clients.models import Appointment
from strides.goals.services import goal_create, goal_rate
from strides.outcomes.headline import short_reason
from strides.outcomes.plan import band_words, planned_measures
from strides.progress.wording import key_change
from tests.base import PersonaTestCase, phq9_answers

GB = {"Accept-Language": "en-GB"}


def gad7_answers(total: int) -> dict[int, int | None]:
    return {item: min(3, max(0, total - 3 * (item - 1))) for item in range(1, 8)}


class DayDesignTests(PersonaTestCase):
    def weeks(self, phq9: list[int], gad7: list[int] | None = None) -> None:
        today = timezone.localdate()
        for week, total in enumerate(phq9):
            day = today - timedelta(weeks=len(phq9) - 1 - week)
            Appointment.objects.create(
                episode=self.tess_episode,
                status="attended",
                at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
            )
            assessment_record(
                actor=self.tess,
                episode=self.tess_episode,
                instrument_code="phq9",
                answers=phq9_answers(total),
                taken_on=day,
                submission_key=uuid.uuid4(),
            )
            if gad7 is not None:
                assessment_record(
                    actor=self.tess,
                    episode=self.tess_episode,
                    instrument_code="gad7",
                    answers=gad7_answers(gad7[week]),
                    taken_on=day,
                    submission_key=uuid.uuid4(),
                )

    def setUp(self) -> None:
        self.tess_episode.start = timezone.localdate() - timedelta(weeks=20)
        self.tess_episode.save()
        self.tess_appointment.at = timezone.now() - timedelta(weeks=19)
        self.tess_appointment.save()

    def page(self, **headers: str):
        return self.client.get(
            reverse("client_detail", args=[self.tess_client.pk]), headers=headers
        )

    def test_the_page_leads_with_the_key_change_and_the_phq9_chart(self) -> None:
        self.weeks([20, 16, 13, 6], gad7=[14, 12, 10, 5])
        self.login(self.tess)
        response = self.page()
        html = response.content.decode()
        self.assertIn("PHQ-9 20 → 6: reliable recovery", html)
        self.assertIn("GAD-7 14 → 5: reliable recovery", html)
        progress, goals = html.index('id="progress-'), html.index('id="goals-section-')
        alerts, record = html.index('id="alerts-section-'), html.index('id="record-')
        self.assertLess(progress, goals)
        self.assertLess(goals, alerts)
        self.assertLess(alerts, record)
        episode = self.tess_episode.pk
        phq9 = html.index(f'id="chart-{episode}-phq9"')
        gad7 = html.index(f'id="chart-{episode}-gad7"')
        self.assertLess(phq9, gad7)
        self.assertLess(gad7, goals)
        self.assertIn(f'class="chart-figure main-chart" id="chart-{episode}-phq9"', html)
        # Numbers on demand: the trend is inside the "how this is worked out" detail.
        worked_out = html[html.index('<details class="worked-out">') :]
        self.assertLess(worked_out.index("Trend per session"), worked_out.index("</details>"))
        self.assertEqual(html.count('class="chart-narrow"'), 2)

    def test_client_page_queries_do_not_grow_with_its_records(self) -> None:
        self.weeks([20, 18], gad7=[14, 13])
        self.login(self.tess)
        self.page()
        with CaptureQueriesContext(connection) as small:
            self.assertEqual(self.page().status_code, 200)
        self.tess_episode.assessments.all().delete()
        self.tess_episode.appointments.all().delete()
        self.weeks([20, 18, 17, 15, 14, 12, 11, 9], gad7=[14, 13, 12, 11, 10, 9, 8, 7])
        goal = goal_create(
            actor=self.tess, episode=self.tess_episode, text="Sleep", submission_key=uuid.uuid4()
        )
        goal_rate(
            actor=self.tess,
            goal=goal,
            rating=Decimal(4),
            rated_on=timezone.localdate(),
            submission_key=uuid.uuid4(),
        )
        with CaptureQueriesContext(connection) as large:
            self.assertEqual(self.page().status_code, 200)
        # A goal adds its own few reads (goals, ratings, status history, chart); the
        # assessments, appointments, milestones and alerts add none.
        self.assertLessEqual(len(large.captured_queries), len(small.captured_queries) + 3)
        self.assertLess(len(large.captured_queries), 60)

    def test_dates_follow_the_locale_with_iso_as_the_fallback(self) -> None:
        self.weeks([12])
        self.login(self.tess)
        today = timezone.localdate()
        self.assertContains(self.page(**GB), today.strftime("%d/%m/%Y"))
        self.assertContains(self.page(), today.isoformat())
        self.assertNotContains(self.page(), today.strftime("%m/%d/%Y"))

    def test_stored_sentences_say_dates_in_the_page_format(self) -> None:
        today = timezone.localdate()
        assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(14, 1),
            taken_on=today,
            submission_key=uuid.uuid4(),
        )
        self.assertIn(today.isoformat(), Alert.objects.get(kind="risk").summary)
        self.login(self.tess)
        self.assertContains(self.page(**GB), f"PHQ-9 of {today:%d/%m/%Y}")
        caseload = self.client.get(reverse("caseload"), headers=GB)
        self.assertContains(caseload, f"PHQ-9 of {today:%d/%m/%Y}")

    def test_record_an_assessment_offers_the_planned_measures_first(self) -> None:
        self.login(self.tess)
        url = reverse("assessment_new", args=[self.tess_episode.pk])
        form = self.client.get(url).context["form"]
        choices = [code for code, _label in form.fields["instrument"].choices]
        self.assertEqual(choices[:2], ["phq9", "gad7"])
        self.assertEqual(form.initial["instrument"], "phq9")
        self.weeks([12])  # PHQ-9 given today: GAD-7 is next
        self.assertEqual(self.client.get(url).context["form"].initial["instrument"], "gad7")

    def test_the_alert_card_error_is_the_card_with_a_message(self) -> None:
        self.weeks([14, 22, 24, 24])
        alert = Alert.objects.get(episode=self.tess_episode, kind="not_on_track")
        self.login(self.tess)
        response = self.client.post(
            reverse("alert_acknowledge", args=[alert.pk]),
            {"action": "other", "note": ""},
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, "Say what was done.")
        self.assertContains(response, f'id="alert-{alert.pk}"')
        self.assertNotContains(response, "<html")
        self.assertNotContains(response, "<h1")
        empty = self.client.post(
            reverse("alert_acknowledge", args=[alert.pk]), {}, headers={"HX-Request": "true"}
        )
        self.assertContains(empty, "Choose what was done.")

    def test_acknowledging_starts_with_no_action_chosen(self) -> None:
        self.weeks([14, 22, 24, 24])
        self.login(self.tess)
        html = self.page().content.decode()
        select = html[html.index('name="action"') :]
        select = select[: select.index("</select>")]
        self.assertIn('<option value="" selected>Choose what was done</option>', select)
        self.assertEqual(select.count("selected"), 1)

    def test_a_baseline_is_not_a_win_and_is_not_offered_for_celebration(self) -> None:
        self.weeks([14])
        self.login(self.tess)
        self.assertEqual(list(self.client.get(reverse("wins")).context["page"]), [])
        self.assertNotContains(self.page(), "Mark celebrated")

    def test_stranger_gets_404_on_the_client_page(self) -> None:
        self.login(self.otto)
        self.assertEqual(self.page().status_code, 404)


def test_the_plan_is_phq9_and_the_anxiety_measure_then_what_was_given() -> None:
    assert planned_measures(anxiety_measure="gad7", measured=[]) == ["phq9", "gad7"]
    # A disorder-specific measure that is not installed falls back to GAD-7.
    assert planned_measures(anxiety_measure="spin", measured=["core10"]) == [
        "phq9",
        "gad7",
        "core10",
    ]
    assert planned_measures(anxiety_measure="pcl5", measured=["wsas"]) == ["phq9", "pcl5", "wsas"]


def test_bands_get_words_and_a_colour_level_in_their_instrument_order() -> None:
    phq9 = [band_words("phq9", code) for code in ("minimal", "mild", "moderate", "severe")]
    assert [words.label for words in phq9 if words] == ["Minimal", "Mild", "Moderate", "Severe"]
    assert [words.level for words in phq9 if words] == [0, 1, 3, 5]
    assert band_words("phq9", "nonsense") is None


def test_key_change_and_short_reason_in_words() -> None:
    assert (
        key_change(
            name="PHQ-9",
            first=17,
            latest=7,
            count=5,
            category="recovered",
            direction="improved",
        )
        == "PHQ-9 17 → 7: reliable recovery"
    )
    assert "baseline" in key_change(
        name="PHQ-9", first=17, latest=17, count=1, category=None, direction=None
    )
    summary = {"name": "PHQ-9", "latest": 24.0, "expected": 8.8, "band": 12.3}
    assert (
        short_reason(status="not_on_track", summary=summary, lower_is_better=True, explanation="")
        == "PHQ-9 24 is worse than the expected range (up to 21.1)."
    )
