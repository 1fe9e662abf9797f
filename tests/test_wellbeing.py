"""The therapist's own side: ProQOL check-ins, their trend and support, the reminder,
moments kept beside milestones, and the impact figures with the stories behind them."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from strides.assessments.services import assessment_record
from strides.clients.services import episode_end
from strides.goals.services import goal_create, goal_rate
from strides.milestones.models import Milestone
from strides.milestones.services import milestone_record
from strides.wellbeing.models import CheckIn, Moment
from strides.wellbeing.services import checkin_record, moment_write, schedule_set
from tests.base import PersonaTestCase, phq9_answers
from tests.test_talking_therapies_outcomes import gad7_answers

CS_ITEMS = (3, 6, 12, 16, 18, 20, 22, 24, 27, 30)
BO_ITEMS = (1, 4, 8, 10, 15, 17, 19, 21, 26, 29)
BO_REVERSED = (1, 4, 15, 17, 29)
STS_ITEMS = (2, 5, 7, 9, 11, 13, 14, 23, 25, 28)


def proqol_answers(cs: int, bo: int, sts: int) -> dict[int, int]:
    """Every CS item answered `cs`, every STS item `sts`; burnout items answered so that
    each scores `bo` after reverse keying (reversed items are answered 6 - bo)."""
    answers = {item: cs for item in CS_ITEMS} | {item: sts for item in STS_ITEMS}
    answers |= {item: (6 - bo if item in BO_REVERSED else bo) for item in BO_ITEMS}
    return answers


def hand_scores(answers: dict[int, int]) -> dict[str, int]:
    """The form's scoring page: sums of ten items, burnout items 1, 4, 15, 17, 29 as 6 - x."""
    return {
        "cs": sum(answers[i] for i in CS_ITEMS),
        "bo": sum(6 - answers[i] if i in BO_REVERSED else answers[i] for i in BO_ITEMS),
        "sts": sum(answers[i] for i in STS_ITEMS),
    }


@time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False)
class CheckInTests(PersonaTestCase):
    def test_scores_each_subscale_with_reverse_keying(self) -> None:
        answers = proqol_answers(cs=4, bo=2, sts=2)
        answers[1] = 1  # reversed: scores 5
        checkin = checkin_record(actor=self.tess, answers=answers)
        result = CheckIn.objects.get(pk=checkin.pk).result
        self.assertEqual(result["subscales"], hand_scores(answers))
        self.assertEqual(result["subscales"]["bo"], 9 * 2 + 5)
        self.assertEqual(result["bands"], {"cs": "moderate", "bo": "moderate", "sts": "low"})

    def test_an_incomplete_check_in_is_refused(self) -> None:
        answers = proqol_answers(cs=4, bo=2, sts=3)
        del answers[30]
        with self.assertRaises(ValidationError):
            checkin_record(actor=self.tess, answers=answers)
        self.assertFalse(CheckIn.objects.exists())

    def test_supervisors_cannot_check_in(self) -> None:
        from django.http import Http404

        with self.assertRaises(Http404):
            checkin_record(actor=self.sam, answers=proqol_answers(3, 3, 3))

    def test_the_form_posts_a_check_in_and_the_page_shows_the_trend(self) -> None:
        self.login(self.tess)
        form = self.client.get("/wellbeing/check-in/")
        self.assertContains(form, "I am happy.")
        data = {f"item_{n}": str(v) for n, v in proqol_answers(4, 2, 2).items()}
        response = self.client.post("/wellbeing/check-in/", data)
        self.assertRedirects(response, "/wellbeing/")
        with time_machine.travel(datetime(2026, 12, 20, 12, tzinfo=UTC), tick=False):
            checkin_record(actor=self.tess, answers=proqol_answers(5, 2, 2))
            self.login(self.tess)  # a new day, a new session
            page = self.client.get("/wellbeing/").content.decode()
        self.assertEqual(page.count('role="img"'), 3)  # one trend chart per subscale
        for name in ("Compassion satisfaction", "Burnout", "Secondary traumatic stress"):
            self.assertIn(name, page)
        self.assertIn("<strong>50</strong>", page)  # compassion satisfaction, latest
        self.assertNotIn("Support for you", page)

    @override_settings(
        STRIDES_WELLBEING_RESOURCES=["Staff support line|https://support.example", "Peer group"]
    )
    def test_resources_appear_when_burnout_or_sts_is_high(self) -> None:
        self.login(self.tess)
        checkin_record(actor=self.tess, answers=proqol_answers(cs=3, bo=5, sts=2))
        page = self.client.get("/wellbeing/").content.decode()
        self.assertIn("Support for you", page)
        self.assertIn('href="https://support.example"', page)
        self.assertIn("Peer group", page)
        checkin_record(actor=self.tess, answers=proqol_answers(cs=3, bo=2, sts=5))
        self.assertContains(self.client.get("/wellbeing/"), "Support for you")
        checkin_record(actor=self.tess, answers=proqol_answers(cs=3, bo=2, sts=2))
        self.assertNotContains(self.client.get("/wellbeing/"), "Support for you")

    def test_the_reminder_follows_the_schedule_on_the_home_page(self) -> None:
        self.login(self.tess)
        reminder = "Your wellbeing check-in is due"
        self.assertNotContains(self.client.get("/clients/"), reminder)
        self.client.post("/wellbeing/", {"every_days": "30"})
        self.assertContains(self.client.get("/clients/"), reminder)
        checkin_record(actor=self.tess, answers=proqol_answers(3, 3, 3))
        self.assertNotContains(self.client.get("/clients/"), reminder)
        with time_machine.travel(datetime(2026, 12, 31, 12, tzinfo=UTC), tick=False):
            self.login(self.tess)
            self.assertContains(self.client.get("/clients/"), reminder)

    def test_no_reminder_for_a_supervisor(self) -> None:
        schedule_set(actor=self.tess, every_days=14)
        self.login(self.sam)
        self.assertNotContains(self.client.get("/clients/"), "wellbeing check-in is due")


@time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False)
class MomentAndImpactTests(PersonaTestCase):
    def manual_milestone(self) -> Milestone:
        return milestone_record(
            actor=self.tess,
            episode=self.tess_episode,
            summary="back at work",
            occurred_on=date(2026, 11, 20),
        )

    def test_what_helped_is_offered_when_a_win_is_celebrated(self) -> None:
        milestone = self.manual_milestone()
        self.login(self.tess)
        response = self.client.post(
            f"/milestones/{milestone.pk}/celebrate/", HTTP_HX_REQUEST="true"
        )
        self.assertContains(response, f"/moments/new/?milestone={milestone.pk}")
        self.assertContains(response, "What helped here?")
        form = self.client.get(f"/moments/new/?milestone={milestone.pk}")
        self.assertContains(form, "back at work")
        response = self.client.post(
            "/moments/new/", {"milestone": milestone.pk, "text": "She laughed for the first time"}
        )
        self.assertRedirects(response, "/impact/")
        moment = Moment.objects.get()
        self.assertEqual((moment.milestone_id, moment.therapist_id), (milestone.pk, self.tess.pk))
        impact = self.client.get("/impact/?period=month").content.decode()
        self.assertIn("She laughed for the first time", impact)
        stories = self.client.get("/impact/celebrated/?period=month").content.decode()
        self.assertIn("back at work", stories)
        self.assertIn("She laughed for the first time", stories)
        self.assertIn(f"/clients/{self.tess_client.pk}/", stories)

    def test_the_supervisor_is_not_offered_what_helped(self) -> None:
        milestone = self.manual_milestone()
        self.login(self.tess)
        self.client.post(f"/milestones/{milestone.pk}/celebrate/")
        self.login(self.sam)
        page = self.client.get(f"/clients/{self.tess_client.pk}/").content.decode()
        self.assertIn("back at work", page)
        self.assertNotIn("What helped here?", page)

    def test_a_moment_cannot_be_tied_to_another_therapists_milestone(self) -> None:
        milestone = self.manual_milestone()
        self.login(self.otto)
        response = self.client.post("/moments/new/", {"milestone": milestone.pk, "text": "x"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Moment.objects.exists())

    def test_impact_figures_come_from_the_engine_and_open_onto_stories(self) -> None:
        # PHQ-9 20 -> 9 and GAD-7 12 -> 4: both measures improve and recover, in one course
        for taken_on, phq9, gad7 in ((date(2026, 9, 1), 20, 12), (date(2026, 11, 3), 9, 4)):
            for code, answers in (("phq9", phq9_answers(phq9)), ("gad7", gad7_answers(gad7))):
                assessment_record(
                    actor=self.tess,
                    episode=self.tess_episode,
                    instrument_code=code,
                    answers=answers,
                    taken_on=taken_on,
                    submission_key=uuid.uuid4(),
                )
        goal = goal_create(
            actor=self.tess,
            episode=self.tess_episode,
            text="Sleep through the night",
            submission_key=uuid.uuid4(),
        )
        for day, rating in ((date(2026, 9, 1), "2"), (date(2026, 11, 10), "6")):
            goal_rate(
                actor=self.tess,
                goal=goal,
                rating=Decimal(rating),
                rated_on=day,
                submission_key=uuid.uuid4(),
            )
        self.login(self.tess)
        page = self.client.get("/impact/?period=year").content.decode()
        figures = {
            kind: page.split(f"figure-{kind}")[1].split('class="count">')[1].split("<")[0]
            for kind in ("clients", "courses", "improvements", "recoveries", "goals")
        }
        self.assertEqual(
            figures,
            {"clients": "1", "courses": "0", "improvements": "1", "recoveries": "1", "goals": "1"},
        )
        self.assertNotIn("%", page.split("impact-figures")[1].split("</ul>")[0])
        goals = self.client.get("/impact/goals/?period=year").content.decode()
        self.assertIn("Sleep through the night", goals)
        self.assertIn("Robin Tessclient", goals)
        improvements = self.client.get("/impact/improvements/?period=year").content.decode()
        self.assertIn("PHQ-9", improvements)  # the stories: one per measure that improved
        self.assertIn("GAD-7", improvements)

    def test_a_finished_course_is_counted_and_told(self) -> None:
        from strides.clients.models import Appointment

        Appointment.objects.create(
            episode=self.tess_episode,
            at=datetime(2026, 9, 8, 10, tzinfo=UTC),
            status="attended",
        )
        episode_end(
            actor=self.tess, episode=self.tess_episode, end=date(2026, 11, 2), end_reason="planned"
        )
        self.login(self.tess)
        stories = self.client.get("/impact/courses/?period=year").content.decode()
        self.assertIn("Robin Tessclient", stories)
        self.assertIn("2 treatment sessions; Planned ending.", stories)
        self.assertNotIn(
            "Robin Tessclient", self.client.get("/impact/courses/?period=month").content.decode()
        )

    def test_year_in_review(self) -> None:
        self.manual_milestone()
        moment_write(actor=self.tess, text="A quiet good day")
        self.login(self.tess)
        page = self.client.get("/impact/year-in-review/").content.decode()
        self.assertIn("Your 2026, in review", page)
        self.assertIn("back at work", page)
        self.assertIn("A quiet good day", page)

    def test_unknown_figure_is_404(self) -> None:
        self.login(self.tess)
        self.assertEqual(self.client.get("/impact/nonsense/").status_code, 404)

    def test_a_moment_can_be_removed(self) -> None:
        moment = moment_write(actor=self.tess, text="to remove")
        self.login(self.tess)
        self.assertContains(self.client.get(f"/moments/{moment.pk}/"), "to remove")
        self.client.post(f"/moments/{moment.pk}/")
        self.assertFalse(Moment.objects.exists())
