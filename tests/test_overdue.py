"""Overdue: a client whose last measure is older than the clinic's window shows
"overdue" instead of a stale "on track", on the caseload and the client page."""

import uuid
from datetime import date, timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from strides.assessments.services import assessment_record
from strides.clients.models import Client, Episode
from strides.outcomes.models import EpisodeProgress
from strides.outcomes.status import status_now
from tests.base import PersonaTestCase, phq9_answers


class OverdueTests(PersonaTestCase):
    def progress(self, name: str, status: str, days_ago: int, end: date | None = None) -> Client:
        client = Client.objects.create(display_name=name)
        episode = Episode.objects.create(
            client=client, therapist=self.tess, start=date(2026, 9, 1), end=end
        )
        EpisodeProgress.objects.create(
            episode=episode,
            refreshed_at=timezone.now(),
            last_assessed_on=timezone.localdate() - timedelta(days=days_ago),
            main_instrument="phq9",
            status=status,
            status_explanation="At session 6 the score is 9.",
            measures={},
        )
        return client

    def rows(self, **params: str) -> dict[str, tuple[str, str]]:
        response = self.client.get(reverse("caseload"), params)
        return {
            row.client.display_name: (row.status, row.explanation)
            for row in response.context["rows"]
            if row.status
        }

    def test_on_track_at_35_days_overdue_at_36(self) -> None:
        self.progress("Within Window", "on_track", days_ago=35)
        self.progress("Past Window", "on_track", days_ago=36)
        self.login(self.tess)
        rows = self.rows()
        self.assertEqual(rows["Within Window"], ("on_track", "At session 6 the score is 9."))
        self.assertEqual(
            rows["Past Window"],
            (
                "overdue",
                "Last measure 36 days ago; the clinic's window is 35 days. "
                "At session 6 the score is 9.",
            ),
        )
        self.assertContains(self.client.get(reverse("caseload")), "Overdue")

    def test_the_status_filter_knows_overdue(self) -> None:
        self.progress("Within Window", "on_track", days_ago=35)
        self.progress("Past Window", "recovered", days_ago=50)
        self.progress("Stale Too Early", "too_early", days_ago=40)
        self.login(self.tess)
        self.assertEqual(set(self.rows(status="overdue")), {"Past Window", "Stale Too Early"})
        self.assertEqual(set(self.rows(status="on_track")), {"Within Window"})
        self.assertEqual(set(self.rows(status="recovered")), set())

    def test_not_on_track_stays_not_on_track_however_old(self) -> None:
        self.progress("Still Flagged", "not_on_track", days_ago=90)
        self.login(self.tess)
        self.assertEqual(self.rows()["Still Flagged"][0], "not_on_track")
        self.assertEqual(set(self.rows(status="not_on_track")), {"Still Flagged"})

    def test_the_client_page_shows_overdue_with_its_reason(self) -> None:
        assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(14),
            taken_on=timezone.localdate() - timedelta(days=41),
            submission_key=uuid.uuid4(),
        )
        self.login(self.tess)
        response = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(response, "Overdue")
        self.assertContains(
            response, "Last measure 41 days ago; the clinic&#x27;s window is 35 days."
        )

    def test_an_ended_episode_keeps_its_last_status(self) -> None:
        client = self.progress("Ended", "recovered", days_ago=60, end=timezone.localdate())
        self.login(self.tess)
        response = self.client.get(reverse("client_detail", args=[client.pk]))
        self.assertNotContains(response, "Last measure 60 days ago")
        self.assertEqual(response.context["panels"][0].outcome.status.status, "recovered")

    @override_settings(STRIDES_OVERDUE_DAYS=40)
    def test_the_window_is_the_clinics_setting(self) -> None:
        today = date(2026, 11, 30)
        shown = status_now(
            status="on_track",
            explanation="",
            last_assessed_on=today - timedelta(days=40),
            ended=False,
            today=today,
        )
        self.assertEqual(shown.status, "on_track")
        later = status_now(
            status="on_track",
            explanation="",
            last_assessed_on=today - timedelta(days=41),
            ended=False,
            today=today,
        )
        self.assertEqual(
            later.explanation, "Last measure 41 days ago; the clinic's window is 40 days."
        )

    def test_stranger_gets_404_on_an_overdue_clients_page(self) -> None:
        client = self.progress("Past Window", "on_track", days_ago=41)
        self.login(self.otto)
        self.assertEqual(
            self.client.get(reverse("client_detail", args=[client.pk])).status_code, 404
        )
