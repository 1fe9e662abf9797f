"""The progress engine inside the app: summaries, milestones and alerts stored once,
risk alerts in the same transaction as their assessment, alert handling, calibration."""

import io
import uuid
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from strides.alerts.models import Alert
from strides.alerts.services import alert_acknowledge, alert_resolve, alert_snooze
from strides.assessments.models import Assessment
from strides.assessments.services import assessment_amend, assessment_record
from strides.clients.models import Appointment
from strides.clients.services import appointment_create, episode_end
from strides.crypto import encrypt_text
from strides.milestones.models import Milestone
from strides.outcomes.models import EpisodeProgress
from tests.base import PersonaTestCase, phq9_answers


class ProgressTrackingTests(PersonaTestCase):
    def attend(self, day: date) -> None:
        Appointment.objects.create(
            episode=self.tess_episode,
            at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
            status="attended",
        )

    def record(self, total: int, day: date, item9: int | None = 0) -> Assessment:
        return assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(total, item9),
            taken_on=day,
            submission_key=uuid.uuid4(),
        )

    def weekly(self, totals: list[int]) -> list[Assessment]:
        start = date(2026, 9, 1)
        recorded = []
        for week, total in enumerate(totals):
            day = start + timedelta(weeks=week)
            if week:
                self.attend(day)
            recorded.append(self.record(total, day))
        return recorded

    def test_summary_is_refreshed_with_the_assessment(self) -> None:
        self.weekly([20, 16, 12])
        progress = EpisodeProgress.objects.get(episode=self.tess_episode)
        phq = progress.measures["phq9"]
        self.assertEqual((phq["first"], phq["latest"], phq["change"]), (20, 12, -8))
        self.assertEqual(phq["direction"], "improved")
        self.assertEqual(progress.last_assessed_on, date(2026, 9, 15))
        self.assertEqual(progress.main_instrument, "phq9")

    def test_risk_alert_exists_exactly_when_a_stored_assessment_has_the_risk_flag(self) -> None:
        self.record(12, date(2026, 9, 1))
        self.assertFalse(Alert.objects.filter(kind="risk").exists())
        risky = self.record(14, date(2026, 9, 8), item9=2)
        alert = Alert.objects.get(kind="risk")
        self.assertEqual(alert.source_id, risky.pk)
        self.assertTrue(alert.immediate)
        risk_flagged = Assessment.objects.filter(has_risk=True).count()
        self.assertEqual(Alert.objects.filter(kind="risk").count(), risk_flagged)
        self.assertTrue(EpisodeProgress.objects.get(episode=self.tess_episode).has_open_risk)

    def test_failed_assessment_save_leaves_no_alert(self) -> None:
        with self.assertRaises(ValidationError):
            assessment_record(
                actor=self.tess,
                episode=self.tess_episode,
                instrument_code="phq9",
                answers={**phq9_answers(14, 2), 3: 9},
                taken_on=date(2026, 9, 1),
                submission_key=uuid.uuid4(),
            )
        self.assertFalse(Alert.objects.exists())

    def test_resaving_and_amending_create_no_duplicate_milestones_or_alerts(self) -> None:
        recorded = self.weekly([20, 16, 9])
        milestones = set(Milestone.objects.values_list("key", flat=True))
        self.assertIn("below_cutoff:phq9", milestones)
        latest = recorded[-1]
        key = uuid.uuid4()
        assessment_amend(
            actor=self.tess,
            original=latest,
            answers=phq9_answers(8),
            taken_on=latest.taken_on,
            reason="typo in item 2",
            submission_key=key,
        )
        assessment_amend(
            actor=self.tess,
            original=latest,
            answers=phq9_answers(8),
            taken_on=latest.taken_on,
            reason="typo in item 2",
            submission_key=key,
        )  # double submit
        self.assertEqual(set(Milestone.objects.values_list("key", flat=True)), milestones)
        self.assertEqual(Milestone.objects.filter(key="below_cutoff:phq9").count(), 1)

    def test_amended_risk_assessment_keeps_one_risk_alert(self) -> None:
        risky = self.record(14, date(2026, 9, 1), item9=1)
        assessment_amend(
            actor=self.tess,
            original=risky,
            answers=phq9_answers(15, 1),
            taken_on=risky.taken_on,
            reason="item 3 corrected",
            submission_key=uuid.uuid4(),
        )
        self.assertEqual(Alert.objects.filter(kind="risk").count(), 1)

    def test_not_on_track_explanation_contains_its_numbers(self) -> None:
        self.weekly([14, 22, 24, 24])
        alert = Alert.objects.get(kind="not_on_track")
        progress = EpisodeProgress.objects.get(episode=self.tess_episode)
        self.assertEqual(progress.status, "not_on_track")
        summary = progress.measures["phq9"]
        for number in ("14", "24", f"{summary['expected']:g}", f"{summary['band']:g}"):
            self.assertIn(number, progress.status_explanation)
        for word in ("intake of 14", "expected score", "band", "the score is 24"):
            self.assertIn(word, alert.summary)

    def test_reliable_deterioration_raises_an_alert(self) -> None:
        self.weekly([8, 15])
        self.assertTrue(Alert.objects.filter(kind="reliable_deterioration").exists())

    def test_talking_therapies_outcome_when_both_measures_exist(self) -> None:
        for day, (p, g) in zip(
            [date(2026, 9, 1), date(2026, 10, 1)], [(18, 14), (6, 5)], strict=True
        ):
            self.attend(day)
            assessment_record(
                actor=self.tess,
                episode=self.tess_episode,
                instrument_code="phq9",
                answers=phq9_answers(p),
                taken_on=day,
                submission_key=uuid.uuid4(),
            )
            gad = {i: 0 for i in range(1, 8)}
            for i in range(g):
                gad[1 + i % 7] += 1
            assessment_record(
                actor=self.tess,
                episode=self.tess_episode,
                instrument_code="gad7",
                answers=gad,
                taken_on=day,
                submission_key=uuid.uuid4(),
            )
        progress = EpisodeProgress.objects.get(episode=self.tess_episode)
        assert progress.talking_therapies is not None
        self.assertFalse(progress.talking_therapies["finished_course"])
        episode_end(
            actor=self.tess, episode=self.tess_episode, end=date(2026, 10, 2), end_reason="planned"
        )
        progress.refresh_from_db()
        outcome = progress.talking_therapies
        assert outcome is not None
        self.assertTrue(outcome["finished_course"])
        self.assertTrue(outcome["recovered"])
        self.assertTrue(outcome["reliable_recovery"])
        self.assertTrue(Milestone.objects.filter(kind="ending_well").exists())

    def test_attendance_refreshes_progress_and_missed_measures_alert(self) -> None:
        self.record(15, date(2026, 9, 1))
        for week in range(1, 4):
            appointment_create(
                actor=self.tess,
                episode=self.tess_episode,
                at=datetime(2026, 9, 1, 10, tzinfo=UTC) + timedelta(weeks=week),
                status="attended",
            )
        self.assertTrue(Alert.objects.filter(kind="missed_measures").exists())

    def test_milestones_can_be_switched_off_per_client(self) -> None:
        self.tess_client.milestones_enabled = False
        self.tess_client.save()
        self.weekly([20, 9])
        self.assertFalse(Milestone.objects.exists())


class AlertHandlingTests(PersonaTestCase):
    def setUp(self) -> None:
        assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(14, 1),
            taken_on=date(2026, 9, 1),
            submission_key=uuid.uuid4(),
        )
        self.risk = Alert.objects.get(kind="risk")

    def test_acknowledge_records_who_when_and_what(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("alert_acknowledge", args=[self.risk.pk]),
            {"action": "safety_plan", "note": "Plan agreed"},
        )
        self.assertEqual(response.status_code, 302)
        self.risk.refresh_from_db()
        self.assertEqual(
            (self.risk.status, self.risk.acknowledged_by, self.risk.action),
            ("acknowledged", self.tess, "safety_plan"),
        )
        self.assertIsNotNone(self.risk.acknowledged_at)
        self.assertFalse(EpisodeProgress.objects.get(episode=self.tess_episode).has_open_risk)

    def test_other_action_needs_a_note(self) -> None:
        with self.assertRaises(ValidationError):
            alert_acknowledge(actor=self.tess, alert=self.risk, action="other", note="")

    def test_risk_alert_cannot_be_snoozed(self) -> None:
        with self.assertRaisesMessage(ValidationError, "cannot be snoozed"):
            alert_snooze(actor=self.tess, alert=self.risk, until=date(2099, 1, 1))

    def test_non_risk_alert_can_be_snoozed(self) -> None:
        other = Alert.objects.create(
            episode=self.tess_episode,
            kind="missed_measures",
            key="missed_measures:x",
            occurred_on=date(2026, 9, 1),
            latest_on=date(2026, 9, 1),
            summary="3 measures missed",
        )
        alert_snooze(actor=self.tess, alert=other, until=date(2099, 1, 1))
        other.refresh_from_db()
        self.assertEqual(other.snoozed_until, date(2099, 1, 1))

    def test_resolve_needs_acknowledgement_first(self) -> None:
        with self.assertRaises(ValidationError):
            alert_resolve(actor=self.tess, alert=self.risk)
        alert_acknowledge(actor=self.tess, alert=self.risk, action="discussed_with_client")
        self.assertEqual(alert_resolve(actor=self.tess, alert=self.risk).status, "resolved")

    def test_stranger_gets_404_on_alert_controls(self) -> None:
        for persona in (self.otto, self.sam, self.admin):
            self.login(persona)
            for name in ("alert_acknowledge", "alert_snooze", "alert_resolve"):
                response = self.client.post(
                    reverse(name, args=[self.risk.pk]),
                    {"action": "referred", "until": "2099-01-01"},
                )
                self.assertEqual(response.status_code, 404, (persona, name))
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.status, "open")

    def test_client_page_shows_alert_and_progress(self) -> None:
        self.login(self.tess)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(page, "Risk item endorsed")
        self.assertContains(page, reverse("alert_acknowledge", args=[self.risk.pk]))
        self.assertNotContains(page, reverse("alert_snooze", args=[self.risk.pk]))

    def test_next_outside_the_site_is_ignored(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("alert_acknowledge", args=[self.risk.pk]),
            {"action": "referred", "next": "https://evil.example/"},
        )
        self.assertTrue(
            response["Location"].startswith(reverse("client_detail", args=[self.tess_client.pk]))
        )


class MilestoneControlTests(PersonaTestCase):
    def test_therapist_records_and_celebrates_a_milestone(self) -> None:
        self.login(self.tess)
        self.client.post(
            reverse("milestone_new", args=[self.tess_episode.pk]),
            {"summary": "Back at work", "occurred_on": "2026-11-01"},
        )
        milestone = Milestone.objects.get(manual=True)
        self.client.post(reverse("milestone_celebrate", args=[milestone.pk]))
        milestone.refresh_from_db()
        self.assertEqual(milestone.celebrated_by, self.tess)

    def test_stranger_gets_404(self) -> None:
        milestone = Milestone.objects.create(
            episode=self.tess_episode,
            kind="manual",
            key="m1",
            occurred_on=date(2026, 9, 1),
            summary_encrypted=encrypt_text("Back at work"),
        )
        self.login(self.otto)
        self.assertEqual(
            self.client.post(reverse("milestone_celebrate", args=[milestone.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("milestone_new", args=[self.tess_episode.pk])).status_code, 404
        )


class CalibrationCommandTests(PersonaTestCase):
    def test_refuses_below_fifty_finished_episodes_and_says_why(self) -> None:
        with self.assertRaisesMessage(CommandError, "Not calibrated"):
            call_command("progress", "calibrate", "--instrument", "phq9", stdout=io.StringIO())

    def test_refresh_command_recomputes_every_episode(self) -> None:
        out = io.StringIO()
        call_command("progress", "refresh", stdout=out, stderr=io.StringIO())
        self.assertIn("Refreshed 2 episodes", out.getvalue())
        self.assertEqual(EpisodeProgress.objects.count(), 2)
