"""The caseload dashboard: statuses at a glance, needs attention, wins this week."""

import uuid
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from strides.accounts.models import User
from strides.alerts.models import Alert
from strides.assessments.services import assessment_record
from strides.audit.models import AuditEvent
from strides.clients.models import Appointment, Client, Episode
from strides.milestones.models import CelebrationMessage, Milestone
from tests.base import PersonaTestCase, phq9_answers


class DashboardTests(PersonaTestCase):
    def course(
        self,
        episode: Episode,
        totals: list[int],
        therapist: User | None = None,
        end: date | None = None,
        item9_last: int = 0,
    ) -> None:
        """Weekly attended sessions ending `end` (default today), a PHQ-9 at each."""
        last = end or timezone.localdate()
        for week, total in enumerate(totals):
            day = last - timedelta(weeks=len(totals) - 1 - week)
            Appointment.objects.create(
                episode=episode,
                at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
                status="attended",
            )
            assessment_record(
                actor=therapist or self.tess,
                episode=episode,
                instrument_code="phq9",
                answers=phq9_answers(total, item9_last if week == len(totals) - 1 else 0),
                taken_on=day,
                submission_key=uuid.uuid4(),
            )

    def new_episode(self, name: str, therapist: User | None = None) -> Episode:
        client = Client.objects.create(display_name=name)
        return Episode.objects.create(
            client=client,
            therapist=therapist or self.tess,
            start=timezone.localdate() - timedelta(weeks=10),
        )

    def test_rows_show_latest_score_band_status_and_sparkline(self) -> None:
        self.course(self.tess_episode, [14, 22, 24, 24])
        self.login(self.tess)
        response = self.client.get(reverse("caseload"))
        row = next(r for r in response.context["rows"] if r.client == self.tess_client)
        self.assertEqual((row.latest, row.band, row.status), (24, "Severe", "not_on_track"))
        self.assertEqual([m.code for m in row.measures], ["phq9", "gad7"])  # the plan
        self.assertEqual(row.measures[0].band_level, 5)  # the last of the sequence
        self.assertIsNone(row.measures[1].latest)  # planned, not given yet
        self.assertContains(response, "not given yet")
        self.assertContains(response, '<span class="band band-level-5">Severe</span>', html=True)
        # The reason, short, is on the page: the score and the edge of the expected range.
        self.assertEqual(row.reason[:42], "PHQ-9 24 is worse than the expected range ")
        self.assertContains(response, row.reason)
        self.assertIn("<svg", row.sparkline_svg)
        self.assertEqual(row.days_since_assessment, 0)
        self.assertContains(response, "Not on track")

    def test_filter_by_status_and_risk(self) -> None:
        self.course(self.tess_episode, [14, 22, 24, 24])
        improving = self.new_episode("Improving Client")
        self.course(improving, [20, 14, 9, 6])
        self.login(self.tess)

        def names(params: dict[str, str]) -> list[str]:
            rows = self.client.get(reverse("caseload"), params).context["rows"]
            return [row.client.display_name for row in rows]

        self.assertEqual(names({"status": "not_on_track"}), ["Robin Tessclient"])
        self.assertEqual(names({"status": "recovered"}), ["Improving Client"])
        self.assertEqual(names({"risk": "1"}), [])

    def test_unknown_sort_or_status_falls_back_to_a_fixed_choice(self) -> None:
        self.login(self.tess)
        response = self.client.get(
            reverse("caseload"), {"sort": "display_name; DROP TABLE x", "status": "evil"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["filters"].sort, "status")
        self.assertEqual(response.context["filters"].status, "")

    def test_sorts_by_name(self) -> None:
        self.new_episode("Aaron First")
        self.login(self.tess)
        rows = self.client.get(reverse("caseload"), {"sort": "name"}).context["rows"]
        self.assertEqual(rows[0].client.display_name, "Aaron First")

    def test_query_count_does_not_grow_with_the_caseload(self) -> None:
        self.course(self.tess_episode, [14, 16])
        self.login(self.tess)
        self.client.get(reverse("caseload"))
        with CaptureQueriesContext(connection) as small:
            self.client.get(reverse("caseload"))
        for index in range(8):
            self.course(self.new_episode(f"Extra {index}"), [15, 12, 10])
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(reverse("caseload"))
        self.assertEqual(len(response.context["rows"]), 9)

    def test_needs_attention_lists_risk_first_with_why(self) -> None:
        self.course(self.tess_episode, [14, 22, 24, 24])
        risky = self.new_episode("Risky Client")
        self.course(risky, [12], item9_last=1)
        self.login(self.tess)
        response = self.client.get(reverse("caseload"))
        alerts = response.context["attention"].top
        self.assertEqual(alerts[0].kind, "risk")
        self.assertContains(response, "expected score")
        page = self.client.get(reverse("attention"))
        self.assertContains(page, "Risky Client")
        self.assertNotContains(page, reverse("alert_snooze", args=[alerts[0].pk]))

    def test_snoozed_alert_leaves_the_list_until_its_day(self) -> None:
        self.course(self.tess_episode, [14, 22, 24, 24])
        alert = Alert.objects.filter(kind="not_on_track").first()
        assert alert is not None
        self.login(self.tess)
        self.client.post(
            reverse("alert_snooze", args=[alert.pk]),
            {"until": (timezone.localdate() + timedelta(days=7)).isoformat()},
        )
        self.assertNotIn(alert, list(self.client.get(reverse("attention")).context["page"]))

    def test_wins_this_week_show_evidence_in_words_and_can_be_celebrated(self) -> None:
        self.course(self.tess_episode, [14, 8])
        self.login(self.tess)
        response = self.client.get(reverse("caseload"))
        self.assertContains(response, "PHQ-9 below 10 for the first time: 14 → 8")
        win = Milestone.objects.get(kind="below_cutoff")
        self.client.post(reverse("milestone_celebrate", args=[win.pk]))
        win.refresh_from_db()
        self.assertEqual(win.celebrated_by, self.tess)

    def test_celebration_message_only_for_clients_who_opted_in(self) -> None:
        self.course(self.tess_episode, [14, 8])
        win = Milestone.objects.get(kind="below_cutoff")
        self.login(self.tess)
        url = reverse("milestone_message", args=[win.pk])
        self.client.post(url, {"text": "Well done!", "queue": "1"})
        self.assertFalse(CelebrationMessage.objects.exists())
        self.tess_client.celebrations_opt_in = True
        self.tess_client.save()
        # First a preview of the edited words, nothing queued; then the confirmed queue.
        preview = self.client.post(url, {"text": "Well done, really!"})
        self.assertContains(preview, "What the client will read")
        self.assertContains(preview, "Well done, really!")
        self.assertContains(preview, 'name="queue" value="1"')
        self.assertFalse(CelebrationMessage.objects.exists())
        self.client.post(url, {"text": "Well done!", "queue": "1"})
        message = CelebrationMessage.objects.get()
        self.assertEqual(message.text, "Well done!")
        self.assertNotIn("Well done", message.text_encrypted)

    def test_others_alerts_and_wins_are_not_shown(self) -> None:
        self.course(self.otto_episode, [14, 22, 24, 24], therapist=self.otto)
        self.course(self.tess_episode, [14, 8])
        self.login(self.tess)
        response = self.client.get(reverse("caseload"))
        self.assertNotContains(response, "Kit Ottoclient")
        self.assertEqual(list(self.client.get(reverse("attention")).context["page"]), [])

    def test_supervisor_sees_supervisee_lists_without_controls(self) -> None:
        self.course(self.tess_episode, [14, 22, 24, 24])
        self.login(self.sam)
        response = self.client.get(reverse("attention"))
        self.assertContains(response, "Robin Tessclient")
        self.assertNotContains(response, "Acknowledge")

    def test_attention_and_wins_reads_are_audited(self) -> None:
        self.login(self.tess)
        self.client.get(reverse("attention"))
        self.client.get(reverse("wins"))
        actions = set(AuditEvent.objects.filter(actor=self.tess).values_list("action", flat=True))
        self.assertTrue({"attention.view", "wins.view"} <= actions)
