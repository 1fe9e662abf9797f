"""Every date a person enters is checked, in the form (a field error saying which days are
allowed) and in the service that saves it, at the boundaries: today and tomorrow, the
episode's start and the day before, 1 January 1900 and the day before."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from strides.alerts.models import Alert
from strides.assessments.models import Assessment
from strides.assessments.services import assessment_record
from strides.clients.models import Appointment, Client
from strides.clients.services import (
    appointment_create,
    appointment_update,
    client_update,
    episode_create,
    episode_end,
    episode_update,
)
from strides.goals.models import GoalRating
from strides.goals.services import goal_create, goal_rate
from strides.milestones.models import Milestone
from strides.milestones.services import milestone_record
from tests.base import PersonaTestCase, phq9_answers

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

START_SHOWN = "1 September 2026 (the episode&#x27;s start)"


def day(value: date) -> str:
    return value.isoformat()


def phq9_post(taken_on: str, total: int = 14) -> dict[str, str]:
    data = {f"item_{n}": str(v) for n, v in phq9_answers(total).items()}
    return {**data, "taken_on": taken_on, "submission_key": str(uuid.uuid4())}


class DatesTestCase(PersonaTestCase):
    def setUp(self) -> None:
        self.today = timezone.localdate()
        self.tomorrow = self.today + timedelta(days=1)
        self.start = self.tess_episode.start
        self.login(self.tess)


class AssessmentDateTests(DatesTestCase):
    def post(self, taken_on: str, total: int = 14) -> "TestResponse":
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
        return self.client.post(url, phq9_post(taken_on, total))

    def test_today_is_accepted_and_tomorrow_refused(self) -> None:
        self.assertEqual(self.post(day(self.today)).status_code, 302)
        response = self.post(day(self.tomorrow))
        self.assertContains(response, f"The date must be between {START_SHOWN} and today.")
        self.assertEqual(Assessment.objects.count(), 1)

    def test_episode_start_is_accepted_and_the_day_before_refused(self) -> None:
        response = self.post(day(self.start - timedelta(days=1)))
        self.assertContains(response, START_SHOWN)
        self.assertFalse(Assessment.objects.exists())
        self.assertEqual(self.post(day(self.start)).status_code, 302)

    def test_refused_date_keeps_every_answer_typed(self) -> None:
        response = self.post("1800-01-01", total=21)
        form = response.context["form"]
        self.assertIn("taken_on", form.errors)
        self.assertEqual(form.data["item_1"], "3")
        self.assertContains(response, 'value="3" data-risk="false" id="id_item_1_4" checked')
        self.assertContains(response, 'value="1800-01-01"')

    def test_a_phq9_dated_1800_is_refused_by_the_service_and_raises_no_false_alert(self) -> None:
        with self.assertRaises(ValidationError):
            assessment_record(
                actor=self.tess,
                episode=self.tess_episode,
                instrument_code="phq9",
                answers=phq9_answers(0),
                taken_on=date(1800, 1, 1),
                submission_key=uuid.uuid4(),
            )
        assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(21),
            taken_on=date(2026, 10, 1),
            submission_key=uuid.uuid4(),
        )
        self.assertEqual(Assessment.objects.count(), 1)
        self.assertFalse(Alert.objects.filter(kind="deterioration").exists())

    def test_a_correction_is_dated_inside_the_episode_too(self) -> None:
        original = assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(14),
            taken_on=date(2026, 10, 1),
            submission_key=uuid.uuid4(),
        )
        data = {**phq9_post(day(self.tomorrow)), "reason": "Entered on the wrong day"}
        response = self.client.post(reverse("assessment_amend", args=[original.pk]), data)
        self.assertContains(response, f"between {START_SHOWN} and today")
        original.refresh_from_db()
        self.assertTrue(original.is_current)

    def test_the_date_input_offers_only_allowed_days(self) -> None:
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
        response = self.client.get(url)
        self.assertContains(response, f'min="{day(self.start)}"')
        self.assertContains(response, f'max="{day(self.today)}"')


class LocalDayTests(DatesTestCase):
    @override_settings(TIME_ZONE="Europe/Berlin")
    def test_today_is_the_clinics_local_day(self) -> None:
        # 23:30 UTC on 30 November is already 1 December in Berlin.
        late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
        with mock.patch("django.utils.timezone.now", return_value=late):
            url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
            accepted = self.client.post(url, phq9_post("2026-12-01"))
            refused = self.client.post(url, phq9_post("2026-12-02"))
        self.assertEqual(accepted.status_code, 302)
        self.assertContains(refused, "and today")


class GoalRatingDateTests(DatesTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.goal = goal_create(
            actor=self.tess,
            episode=self.tess_episode,
            text="Walk daily",
            submission_key=uuid.uuid4(),
        )

    def post(self, rated_on: str) -> "TestResponse":
        data = {
            "rating": "5",
            "rated_on": rated_on,
            "gas_level": "",
            "submission_key": str(uuid.uuid4()),
        }
        return self.client.post(reverse("goal_rate", args=[self.goal.pk]), data)

    def test_today_and_the_episode_start_are_accepted(self) -> None:
        self.assertEqual(self.post(day(self.today)).status_code, 302)
        self.assertEqual(self.post(day(self.start)).status_code, 302)
        self.assertEqual(GoalRating.objects.count(), 2)

    def test_tomorrow_and_the_day_before_the_start_are_refused(self) -> None:
        for refused in (self.tomorrow, self.start - timedelta(days=1)):
            response = self.post(day(refused))
            self.assertContains(response, f"between {START_SHOWN} and today")
        self.assertFalse(GoalRating.objects.exists())

    def test_the_service_refuses_a_rating_before_the_episode(self) -> None:
        with self.assertRaises(ValidationError):
            goal_rate(
                actor=self.tess,
                goal=self.goal,
                rating=Decimal(5),
                rated_on=date(1800, 1, 1),
                submission_key=uuid.uuid4(),
            )


class AppointmentDateTests(DatesTestCase):
    def post(self, at: date, status: str) -> "TestResponse":
        data = {"at": f"{day(at)}T10:00", "kind": "treatment", "status": status}
        return self.client.post(reverse("appointment_new", args=[self.tess_episode.pk]), data)

    def test_a_scheduled_appointment_may_be_tomorrow(self) -> None:
        self.assertEqual(self.post(self.tomorrow, "scheduled").status_code, 302)
        self.assertEqual(self.post(self.tomorrow, "cancelled").status_code, 302)

    def test_an_attended_or_missed_appointment_cannot_be_tomorrow(self) -> None:
        for status in ("attended", "did_not_attend"):
            response = self.post(self.tomorrow, status)
            self.assertContains(response, f"between {START_SHOWN} and today")
        self.assertEqual(self.post(self.today, "attended").status_code, 302)
        self.assertEqual(Appointment.objects.filter(episode=self.tess_episode).count(), 2)

    def test_no_appointment_before_the_episode_started(self) -> None:
        response = self.post(self.start - timedelta(days=1), "scheduled")
        self.assertContains(response, f"on or after {START_SHOWN}")
        self.assertEqual(self.post(self.start, "scheduled").status_code, 302)

    def test_marking_a_future_appointment_attended_is_refused(self) -> None:
        ahead = timezone.now() + timedelta(days=2)
        appointment = appointment_create(actor=self.tess, episode=self.tess_episode, at=ahead)
        data = {"at": timezone.localtime(ahead).strftime("%Y-%m-%dT%H:%M"), "kind": "treatment"}
        response = self.client.post(
            reverse("appointment_edit", args=[appointment.pk]), {**data, "status": "attended"}
        )
        self.assertContains(response, "and today")
        appointment.refresh_from_db()
        self.assertEqual(appointment.status, "scheduled")
        with self.assertRaises(ValidationError):
            appointment_update(
                actor=self.tess,
                appointment=appointment,
                at=ahead,
                kind="treatment",
                status="attended",
            )

    def test_the_service_refuses_an_attended_appointment_ahead(self) -> None:
        with self.assertRaises(ValidationError):
            appointment_create(
                actor=self.tess,
                episode=self.tess_episode,
                at=timezone.now() + timedelta(days=1),
                status="attended",
            )


class EpisodeDateTests(DatesTestCase):
    def test_a_new_episode_cannot_start_tomorrow_or_before_1900(self) -> None:
        url = reverse("episode_new", args=[self.tess_client.pk])
        for refused, shown in (
            (self.tomorrow, "and today"),
            (date(1899, 12, 31), "between 1 January 1900 and today"),
        ):
            response = self.client.post(url, {"start": day(refused), "anxiety_measure": "gad7"})
            self.assertContains(response, shown)
        self.assertEqual(self.tess_client.episodes.count(), 1)
        self.client.post(url, {"start": "1900-01-01", "anxiety_measure": "gad7"})
        self.client.post(url, {"start": day(self.today), "anxiety_measure": "gad7"})
        self.assertEqual(self.tess_client.episodes.count(), 3)

    def test_an_episode_cannot_start_before_the_client_was_born(self) -> None:
        self.tess_client.date_of_birth = date(1990, 5, 4)
        self.tess_client.save()
        url = reverse("episode_new", args=[self.tess_client.pk])
        response = self.client.post(url, {"start": "1990-05-03", "anxiety_measure": "gad7"})
        self.assertContains(response, "4 May 1990 (the client&#x27;s date of birth)")
        with self.assertRaises(ValidationError):
            episode_create(actor=self.tess, client=self.tess_client, start=date(1990, 5, 3))
        self.client.post(url, {"start": "1990-05-04", "anxiety_measure": "gad7"})
        self.assertEqual(self.tess_client.episodes.count(), 2)

    def test_moving_the_start_past_what_is_recorded_is_refused(self) -> None:
        # The persona's appointment is on 1 September: the start cannot move after it.
        url = reverse("episode_edit", args=[self.tess_episode.pk])
        data = {"start": "2026-09-02", "anxiety_measure": "gad7", "presenting_problem": ""}
        response = self.client.post(url, data)
        self.assertContains(response, "1 September 2026 (the first thing recorded in it)")
        with self.assertRaises(ValidationError):
            episode_update(
                actor=self.tess,
                episode=self.tess_episode,
                start=date(2026, 9, 2),
                presenting_problem="",
                anxiety_measure="gad7",
            )
        earlier = {**data, "start": "2026-08-25"}
        self.assertEqual(self.client.post(url, earlier).status_code, 302)

    def test_an_episode_end_is_between_its_start_and_today(self) -> None:
        url = reverse("episode_end", args=[self.tess_episode.pk])
        for refused in (self.tomorrow, self.start - timedelta(days=1)):
            response = self.client.post(url, {"end": day(refused), "end_reason": "planned"})
            self.assertContains(response, f"between {START_SHOWN} and today")
        with self.assertRaises(ValidationError):
            episode_end(
                actor=self.tess, episode=self.tess_episode, end=self.tomorrow, end_reason="planned"
            )
        self.client.post(url, {"end": day(self.today), "end_reason": "planned"})
        self.tess_episode.refresh_from_db()
        self.assertEqual(self.tess_episode.end, self.today)


class BirthDateTests(DatesTestCase):
    def edit(self, date_of_birth: str) -> "TestResponse":
        data = {"display_name": "Robin Tessclient", "email": "", "phone": ""}
        url = reverse("client_edit", args=[self.tess_client.pk])
        return self.client.post(url, {**data, "date_of_birth": date_of_birth})

    def test_a_birth_date_after_the_episode_start_is_refused(self) -> None:
        response = self.edit("2026-09-02")
        self.assertContains(
            response,
            "between 1 January 1900 and 1 September 2026 (the start of the client&#x27;s "
            "first episode)",
        )
        self.assertEqual(self.edit("2026-09-01").status_code, 302)

    def test_a_birth_date_before_1900_is_refused(self) -> None:
        self.assertContains(self.edit("1899-12-31"), "between 1 January 1900 and")
        self.assertEqual(self.edit("1900-01-01").status_code, 302)

    def test_the_service_refuses_a_birth_date_in_the_future(self) -> None:
        with self.assertRaises(ValidationError):
            client_update(
                actor=self.tess,
                client=self.tess_client,
                display_name="Robin Tessclient",
                date_of_birth=self.tomorrow,
                email="",
                phone="",
            )

    def test_a_new_client_born_after_the_first_episode_starts_is_refused(self) -> None:
        data = {
            "display_name": "Jules Newclient",
            "episode_start": "2026-10-01",
            "anxiety_measure": "gad7",
            "date_of_birth": "2026-10-02",
        }
        response = self.client.post(reverse("client_new"), data)
        self.assertContains(
            response, "1 October 2026 (the start of the client&#x27;s first episode)"
        )
        self.assertContains(response, 'value="Jules Newclient"')
        self.assertFalse(Client.objects.filter(display_name="Jules Newclient").exists())
        self.client.post(reverse("client_new"), {**data, "date_of_birth": "1990-10-02"})
        self.assertTrue(Client.objects.filter(display_name="Jules Newclient").exists())

    def test_an_unchanged_stored_birth_date_stays_editable(self) -> None:
        # A date of birth stored before these rules is not checked again when left as is.
        Client.objects.filter(pk=self.tess_client.pk).update(date_of_birth=date(2026, 9, 5))
        self.assertEqual(self.edit("2026-09-05").status_code, 302)


class MilestoneDateTests(DatesTestCase):
    def test_a_hand_recorded_milestone_is_dated_inside_the_episode(self) -> None:
        url = reverse("milestone_new", args=[self.tess_episode.pk])
        response = self.client.post(
            url, {"summary": "Back at work", "occurred_on": day(self.tomorrow)}
        )
        self.assertContains(response, f"between {START_SHOWN} and today")
        self.assertContains(response, 'value="Back at work"')
        with self.assertRaises(ValidationError):
            milestone_record(
                actor=self.tess,
                episode=self.tess_episode,
                summary="Back",
                occurred_on=date(1800, 1, 1),
            )
        self.assertFalse(Milestone.objects.filter(manual=True).exists())
        self.client.post(url, {"summary": "Back at work", "occurred_on": day(self.today)})
        self.assertTrue(Milestone.objects.filter(manual=True).exists())


class DateTimeInputTests(DatesTestCase):
    def test_the_appointment_input_offers_days_from_the_episode_start(self) -> None:
        response = self.client.get(reverse("appointment_new", args=[self.tess_episode.pk]))
        self.assertContains(response, f'min="{day(self.start)}T00:00"')
