"""Alerts a therapist can believe: progress alerts close by themselves when their reason
no longer holds, risk alerts wait for a person, and an episode has one open alert per
kind and measure, updated by newer detections instead of stacking."""

import uuid
from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse

from strides.alerts.models import Alert
from strides.alerts.services import alert_acknowledge
from strides.assessments.models import Assessment
from strides.assessments.services import assessment_record
from strides.audit.models import AuditEvent
from strides.clients.models import Appointment
from strides.clients.services import episode_end
from strides.outcomes.models import EpisodeProgress, TrajectoryCalibration
from strides.outcomes.services import progress_refresh
from tests.base import PersonaTestCase, phq9_answers

START = date(2026, 9, 1)  # the persona episode's start; one appointment is attended then


class AlertClosingTests(PersonaTestCase):
    def setUp(self) -> None:
        # Explicit trajectory parameters, so these tests do not depend on the shipped
        # defaults: expected(t) = intake · (1 - 0.2·ln t), band ±1.645 · 2 = ±3.29.
        TrajectoryCalibration.objects.create(
            instrument="phq9", beta0=0, beta1=-0.2, sigma=2, z=1.645, n_episodes=50, created_by="t"
        )

    def attend(self, week: int) -> date:
        day = START + timedelta(weeks=week)
        Appointment.objects.create(
            episode=self.tess_episode,
            at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
            status="attended",
        )
        return day

    def record(self, total: int, week: int, item9: int | None = 0) -> Assessment:
        day = START + timedelta(weeks=week)
        return assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(total, item9),
            taken_on=day,
            submission_key=uuid.uuid4(),
        )

    def weekly(self, totals: list[int], first_week: int = 0) -> None:
        """A session a week from `first_week`, a PHQ-9 at each (week 0 is already attended)."""
        for offset, total in enumerate(totals):
            week = first_week + offset
            if week:
                self.attend(week)
            self.record(total, week)

    def alerts(self, kind: str) -> list[Alert]:
        return list(self.tess_episode.alerts.filter(kind=kind).order_by("id"))

    def audited(self, action: str) -> list[tuple[str, str]]:
        """The alert ids an action was audited for, with its detail: ids only, no kind
        (an alert's kind would tell an admin a risk was raised)."""
        events = AuditEvent.objects.filter(action=action).order_by("id")
        return [(event.object_id, event.detail or "") for event in events]

    def test_not_on_track_closes_by_itself_back_inside_the_band(self) -> None:
        self.weekly([20, 20, 20])
        (alert,) = self.alerts("not_on_track")
        self.assertEqual(alert.status, "open")
        self.attend(3)
        self.record(12, 3)
        alert.refresh_from_db()
        self.assertEqual(alert.status, "closed")
        self.assertEqual(alert.closed_on, START + timedelta(weeks=3))
        self.assertIsNotNone(alert.closed_at)
        # The engine's reason, with its numbers: session, score, intake, expected, band.
        for text in ("At session 4 the score is 12", "intake of 20", "14.5", "±3.3", "on track"):
            self.assertIn(text, alert.close_reason)
        self.assertEqual(self.audited("alert.close"), [(str(alert.pk), "")])
        progress = EpisodeProgress.objects.get(episode=self.tess_episode)
        self.assertEqual((progress.status, progress.open_alerts), ("on_track", 0))

    def test_the_timeline_and_the_alert_show_when_and_why_it_closed(self) -> None:
        self.weekly([20, 20, 20, 12])
        self.login(self.tess)
        response = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(response, "Not on track alert closed by itself: PHQ-9: At session 4")
        self.assertContains(response, "Closed by itself on")

    def test_a_new_run_opens_only_after_the_previous_alert_closed(self) -> None:
        self.weekly([20, 20, 20, 12, 20])
        first, second = self.alerts("not_on_track")
        self.assertEqual((first.status, second.status), ("closed", "open"))
        self.assertEqual(second.occurred_on, START + timedelta(weeks=4))
        self.login(self.tess)
        response = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        listed = [a.pk for a in response.context["panels"][0].outcome.alerts]
        self.assertEqual(listed, [second.pk, first.pk])  # the live one first

    def test_a_newer_detection_updates_the_open_alert_instead_of_stacking(self) -> None:
        self.weekly([20, 20, 20])
        (alert,) = self.alerts("not_on_track")
        self.assertIn("At session 3 the score is 20", alert.summary)
        self.attend(3)
        self.record(21, 3)
        (updated,) = self.alerts("not_on_track")
        self.assertEqual(updated.pk, alert.pk)
        self.assertEqual(updated.occurred_on, START + timedelta(weeks=2))
        self.assertEqual(updated.latest_on, START + timedelta(weeks=3))
        self.assertEqual((updated.evidence["session"], updated.evidence["observed"]), (4, 21))
        self.assertIn("At session 4 the score is 21", updated.summary)
        self.assertEqual(self.audited("alert.update"), [(str(alert.pk), "")])

    def test_the_database_refuses_a_second_open_alert_of_a_kind_and_measure(self) -> None:
        self.weekly([20, 20, 20])
        (alert,) = self.alerts("not_on_track")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Alert.objects.create(
                episode=self.tess_episode,
                kind="not_on_track",
                key="not_on_track:phq9:other",
                instrument="phq9",
                occurred_on=alert.occurred_on,
                latest_on=alert.latest_on,
                summary="a second one",
            )

    def test_measures_missed_closes_when_a_measure_arrives(self) -> None:
        self.record(14, 0)
        for week in (1, 2, 3):
            self.attend(week)
        progress_refresh(actor=self.tess, episode=self.tess_episode)
        (alert,) = self.alerts("missed_measures")
        self.assertEqual(alert.status, "open")
        self.attend(4)
        self.record(13, 4)
        alert.refresh_from_db()
        self.assertEqual(alert.status, "closed")
        self.assertEqual(alert.closed_on, START + timedelta(weeks=4))
        self.assertIn(f"A measure was recorded on {START + timedelta(weeks=4)}", alert.close_reason)

    def test_deterioration_closes_when_the_score_is_no_longer_reliably_worse(self) -> None:
        self.weekly([8, 14])
        (alert,) = self.alerts("reliable_deterioration")
        self.assertEqual(alert.status, "open")
        self.attend(2)
        self.record(10, 2)
        alert.refresh_from_db()
        self.assertEqual(alert.status, "closed")
        self.assertIn("no longer reliably worse than at intake: 8 → 10", alert.close_reason)

    def test_an_acknowledged_alert_closes_too_when_its_condition_clears(self) -> None:
        self.weekly([8, 14])
        (alert,) = self.alerts("reliable_deterioration")
        alert_acknowledge(actor=self.tess, alert=alert, action="changed_plan")
        self.attend(2)
        self.record(15, 2)
        alert.refresh_from_db()
        self.assertEqual(alert.status, "acknowledged")  # still holds: updated, not closed
        self.assertIn("8 → 15", alert.summary)
        self.attend(3)
        self.record(9, 3)
        alert.refresh_from_db()
        self.assertEqual(alert.status, "closed")
        self.assertEqual(alert.action, "changed_plan")  # what the therapist did is kept

    def test_a_risk_alert_never_closes_by_itself(self) -> None:
        self.record(18, 0, item9=1)
        (risk,) = self.alerts("risk")
        self.weekly([12, 8, 4, 3], first_week=1)
        risk.refresh_from_db()
        self.assertEqual(risk.status, "open")
        self.assertIsNone(risk.closed_on)
        end = START + timedelta(weeks=5)
        episode_end(actor=self.tess, episode=self.tess_episode, end=end, end_reason="planned")
        risk.refresh_from_db()
        self.assertEqual(risk.status, "open")
        self.assertTrue(EpisodeProgress.objects.get(episode=self.tess_episode).has_open_risk)

    def test_a_risk_alert_left_open_at_the_ending_is_still_acknowledged_by_its_therapist(
        self,
    ) -> None:
        self.record(18, 0, item9=1)
        (risk,) = self.alerts("risk")
        end = START + timedelta(weeks=1)
        episode_end(actor=self.tess, episode=self.tess_episode, end=end, end_reason="planned")
        url = reverse("alert_acknowledge", args=[risk.pk])
        self.login(self.otto)
        self.assertEqual(self.client.post(url, {"action": "safety_plan"}).status_code, 404)
        self.login(self.sam)  # her supervisor reads it, read-only
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertNotContains(page, url)
        self.assertEqual(self.client.post(url, {"action": "safety_plan"}).status_code, 404)
        self.login(self.tess)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(page, url)
        self.assertEqual(self.client.post(url, {"action": "safety_plan"}).status_code, 302)
        risk.refresh_from_db()
        self.assertEqual((risk.status, risk.acknowledged_by), ("acknowledged", self.tess))

    def test_a_second_risk_updates_the_open_one_and_opens_anew_once_acknowledged(self) -> None:
        first = self.record(18, 0, item9=1)
        self.attend(1)
        second = self.record(17, 1, item9=2)
        (risk,) = self.alerts("risk")
        self.assertEqual(risk.key, f"risk:{first.pk}")
        self.assertEqual(risk.merged_keys, [f"risk:{second.pk}"])
        self.assertEqual(risk.source_id, second.pk)
        self.assertEqual(risk.latest_on, START + timedelta(weeks=1))
        alert_acknowledge(actor=self.tess, alert=risk, action="safety_plan")
        self.attend(2)
        third = self.record(16, 2, item9=1)
        acknowledged, new = self.alerts("risk")
        self.assertEqual((acknowledged.status, new.status), ("acknowledged", "open"))
        self.assertEqual(new.key, f"risk:{third.pk}")

    def test_ending_the_episode_closes_its_progress_alerts(self) -> None:
        self.weekly([20, 20, 20])
        (alert,) = self.alerts("not_on_track")
        end = START + timedelta(weeks=3)
        episode_end(actor=self.tess, episode=self.tess_episode, end=end, end_reason="planned")
        alert.refresh_from_db()
        self.assertEqual((alert.status, alert.closed_on), ("closed", end))
        self.assertIn(f"The episode ended on {end}", alert.close_reason)

    def test_a_closed_alert_cannot_be_acknowledged_or_resolved(self) -> None:
        self.weekly([8, 14, 9])
        (alert,) = self.alerts("reliable_deterioration")
        self.login(self.tess)
        self.client.post(
            reverse("alert_acknowledge", args=[alert.pk]), {"action": "discussed_with_client"}
        )
        alert.refresh_from_db()
        self.assertEqual(alert.status, "closed")
        self.assertIsNone(alert.acknowledged_by)

    def test_stranger_gets_404_on_a_closed_alert(self) -> None:
        self.weekly([8, 14, 9])
        (alert,) = self.alerts("reliable_deterioration")
        self.login(self.otto)
        response = self.client.post(
            reverse("alert_acknowledge", args=[alert.pk]), {"action": "discussed_with_client"}
        )
        self.assertEqual(response.status_code, 404)
