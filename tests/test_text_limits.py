"""Free text over its limit is refused with its length ("501 characters; the limit is
500."), never cut: exactly at the limit is saved, one over is refused with what was typed
kept in the box, and no box carries a `maxlength` that would let a browser cut a paste."""

import re
import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.urls import reverse

from strides.accounts.models import User
from strides.alerts.models import Alert
from strides.alerts.services import alert_acknowledge
from strides.assessments.models import Assessment
from strides.assessments.services import assessment_record
from strides.clients.models import BreakGlassGrant, Client, Episode
from strides.clients.services import client_create
from strides.crypto import encrypt_text
from strides.goals.models import Goal, GoalStatusChange
from strides.goals.services import goal_create
from strides.milestones.models import CelebrationMessage, Milestone
from strides.milestones.services import milestone_record
from strides.notes.models import Note
from strides.notes.services import note_save
from tests.base import PersonaTestCase, phq9_answers

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def too_long(length: int, limit: int) -> str:
    return f"{length} characters; the limit is {limit}."


class TextLimitTestCase(PersonaTestCase):
    def setUp(self) -> None:
        self.login(self.tess)


class GoalTextTests(TextLimitTestCase):
    def post(self, text: str) -> "TestResponse":
        data = {"text": text, "gas_weight": "1", "submission_key": str(uuid.uuid4())}
        return self.client.post(reverse("goal_new", args=[self.tess_episode.pk]), data)

    def test_exactly_at_the_limit_is_saved_and_one_over_refused_with_the_text_kept(self) -> None:
        over = "b" * 501
        response = self.post(over)
        self.assertContains(response, too_long(501, 500))
        self.assertContains(response, over)
        self.assertFalse(Goal.objects.exists())
        self.post("a" * 500)
        self.assertEqual(Goal.objects.get().text, "a" * 500)

    def test_a_line_break_counts_as_one_character_as_the_counter_shows(self) -> None:
        self.post("a" * 249 + "\r\n" + "a" * 250)  # 500 once the browser's CRLF is one
        self.assertEqual(len(Goal.objects.get().text), 500)

    def test_the_box_has_a_counter_limit_and_no_maxlength(self) -> None:
        page = self.client.get(reverse("goal_new", args=[self.tess_episode.pk])).content.decode()
        textarea = re.search(r"<textarea[^>]*>", page)
        assert textarea is not None
        self.assertIn('data-limit="500"', textarea.group())
        self.assertNotIn("maxlength", page)

    def test_the_service_refuses_a_goal_over_the_limit(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            goal_create(
                actor=self.tess,
                episode=self.tess_episode,
                text="a" * 501,
                submission_key=uuid.uuid4(),
            )
        self.assertEqual(caught.exception.messages, [too_long(501, 500)])

    def test_a_status_note_over_the_limit_is_refused(self) -> None:
        goal = goal_create(
            actor=self.tess, episode=self.tess_episode, text="Walk", submission_key=uuid.uuid4()
        )
        url = reverse("goal_status", args=[goal.pk])
        response = self.client.post(url, {"status": "achieved", "note": "n" * 1001})
        self.assertContains(response, too_long(1001, 1000))
        self.client.post(url, {"status": "achieved", "note": "n" * 1000})
        self.assertEqual(GoalStatusChange.objects.filter(goal=goal).last().note, "n" * 1000)  # type: ignore[union-attr]


class NoteTextTests(TextLimitTestCase):
    def test_a_note_over_fifty_thousand_characters_is_refused(self) -> None:
        url = reverse("note_edit", args=[self.tess_appointment.pk])
        response = self.client.post(url, {"text": "x" * 50_001, "base_version": "0"})
        self.assertContains(response, too_long(50001, 50000))
        self.assertFalse(Note.objects.exists())
        self.client.post(url, {"text": "x" * 50_000, "base_version": "0"})
        self.assertEqual(len(Note.objects.get().body), 50_000)


class ClientTextTests(TextLimitTestCase):
    def new_client(self, **changes: str) -> "TestResponse":
        data = {
            "display_name": "Jules Newclient",
            "episode_start": "2026-10-01",
            "presenting_problem": "Low mood",
            "anxiety_measure": "gad7",
            **changes,
        }
        return self.client.post(reverse("client_new"), data)

    def test_a_display_name_over_120_characters_is_refused_keeping_the_rest(self) -> None:
        response = self.new_client(display_name="N" * 121)
        self.assertContains(response, too_long(121, 120))
        self.assertContains(response, 'value="Low mood"')
        self.assertEqual(Client.objects.count(), 2)
        self.new_client(display_name="N" * 120)
        self.assertTrue(Client.objects.filter(display_name="N" * 120).exists())

    def test_a_presenting_problem_over_200_characters_is_refused(self) -> None:
        response = self.new_client(presenting_problem="p" * 201)
        self.assertContains(response, too_long(201, 200))
        url = reverse("episode_edit", args=[self.tess_episode.pk])
        data = {"start": "2026-09-01", "anxiety_measure": "gad7"}
        response = self.client.post(url, {**data, "presenting_problem": "p" * 201})
        self.assertContains(response, too_long(201, 200))
        self.client.post(url, {**data, "presenting_problem": "p" * 200})
        self.assertEqual(Episode.objects.get(pk=self.tess_episode.pk).presenting_problem, "p" * 200)

    def test_the_service_refuses_a_long_name_instead_of_the_database_cutting_it(self) -> None:
        with self.assertRaises(ValidationError):
            client_create(actor=self.tess, display_name="N" * 121, episode_start=date(2026, 10, 1))

    def test_a_break_glass_reason_over_the_limit_is_refused(self) -> None:
        self.login(self.admin)
        data = {"client_number": str(self.tess_client.pk)}
        response = self.client.post(reverse("break_glass"), {**data, "reason": "r" * 1001})
        self.assertContains(response, too_long(1001, 1000))
        self.assertFalse(BreakGlassGrant.objects.exists())
        self.client.post(reverse("break_glass"), {**data, "reason": "r" * 1000})
        self.assertEqual(BreakGlassGrant.objects.get().reason, "r" * 1000)


class ClinicalTextTests(TextLimitTestCase):
    def test_a_correction_reason_over_500_characters_is_refused(self) -> None:
        original = assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(14),
            taken_on=date(2026, 10, 1),
            submission_key=uuid.uuid4(),
        )
        data = {f"item_{n}": str(v) for n, v in phq9_answers(12).items()}
        data |= {"taken_on": "2026-10-01", "submission_key": str(uuid.uuid4())}
        url = reverse("assessment_amend", args=[original.pk])
        response = self.client.post(url, {**data, "reason": "r" * 501})
        self.assertContains(response, too_long(501, 500))
        self.assertEqual(Assessment.objects.count(), 1)
        self.client.post(url, {**data, "reason": "r" * 500})
        self.assertEqual(Assessment.objects.get(replaces=original).amendment_reason, "r" * 500)

    def test_an_alert_action_note_over_the_limit_is_refused(self) -> None:
        alert = Alert.objects.create(
            episode=self.tess_episode,
            kind="not_on_track",
            key="not_on_track:phq9:1",
            occurred_on=date(2026, 10, 1),
            latest_on=date(2026, 10, 1),
            summary="Not on track",
        )
        url = reverse("alert_acknowledge", args=[alert.pk])
        response = self.client.post(url, {"action": "other", "note": "o" * 1001})
        self.assertContains(response, too_long(1001, 1000))
        alert.refresh_from_db()
        self.assertEqual(alert.status, "open")
        self.client.post(url, {"action": "other", "note": "o" * 1000})
        alert.refresh_from_db()
        self.assertEqual(alert.action_note, "o" * 1000)

    def test_a_milestone_summary_is_refused_over_500_not_cut(self) -> None:
        url = reverse("milestone_new", args=[self.tess_episode.pk])
        response = self.client.post(url, {"summary": "m" * 501, "occurred_on": "2026-10-01"})
        self.assertContains(response, too_long(501, 500))
        with self.assertRaises(ValidationError):
            milestone_record(
                actor=self.tess,
                episode=self.tess_episode,
                summary="m" * 501,
                occurred_on=date(2026, 10, 1),
            )
        self.assertFalse(Milestone.objects.filter(manual=True).exists())
        self.client.post(url, {"summary": "m" * 500, "occurred_on": "2026-10-01"})
        self.assertEqual(Milestone.objects.get(manual=True).summary, "m" * 500)

    def test_a_celebration_message_over_280_characters_is_refused(self) -> None:
        Client.objects.filter(pk=self.tess_client.pk).update(celebrations_opt_in=True)
        milestone = Milestone.objects.create(
            episode=self.tess_episode,
            kind="manual",
            key="manual:1",
            occurred_on=date(2026, 10, 1),
            summary_encrypted=encrypt_text("Back at work"),
            manual=True,
        )
        url = reverse("milestone_message", args=[milestone.pk])
        response = self.client.post(url, {"text": "c" * 281, "queue": "1"})
        self.assertContains(response, too_long(281, 280))
        self.assertFalse(CelebrationMessage.objects.exists())
        # A message within the limit is previewed first, then queued when confirmed.
        self.client.post(url, {"text": "c" * 280, "queue": "1"})
        self.assertEqual(CelebrationMessage.objects.get().text, "c" * 280)


class StaffNameTests(TextLimitTestCase):
    def test_a_staff_name_over_150_characters_is_refused(self) -> None:
        self.login(self.admin)
        data = {"username": "nina", "role": "therapist", "password": "a long enough password"}
        response = self.client.post(reverse("staff_new"), {**data, "first_name": "F" * 151})
        self.assertContains(response, too_long(151, 150))
        self.assertFalse(User.objects.filter(username="nina").exists())


class CounterScriptTests(TextLimitTestCase):
    def test_the_counter_script_is_served_and_loaded_with_the_pages_nonce(self) -> None:
        response = self.client.get(reverse("goal_new", args=[self.tess_episode.pk]))
        tag = re.search(
            r'<script src="/static/strides/text-counter.js" nonce="([^"]+)"',
            response.content.decode(),
        )
        assert tag is not None
        self.assertIn(f"'nonce-{tag.group(1)}'", response["Content-Security-Policy"])
        script = self.client.get("/static/strides/text-counter.js")
        self.assertEqual(script.status_code, 200)
        self.assertIn(b"data-limit", b"".join(script.streaming_content))  # type: ignore[attr-defined]


class ServiceBackstopTests(TextLimitTestCase):
    def test_note_and_alert_services_refuse_text_over_the_limit(self) -> None:
        with self.assertRaises(ValidationError):
            note_save(
                actor=self.tess,
                appointment=self.tess_appointment,
                text="x" * 50_001,
                base_version=0,
            )
        alert = Alert.objects.create(
            episode=self.tess_episode,
            kind="not_on_track",
            key="not_on_track:phq9:1",
            occurred_on=date(2026, 10, 1),
            latest_on=date(2026, 10, 1),
            summary="Not on track",
        )
        with self.assertRaises(ValidationError):
            alert_acknowledge(actor=self.tess, alert=alert, action="other", note="o" * 1001)
        self.assertFalse(Note.objects.exists())
        alert.refresh_from_db()
        self.assertEqual(alert.status, "open")
