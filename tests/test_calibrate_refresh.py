"""`strides progress calibrate` refreshes every stored summary in the same command."""

import io
import uuid
from datetime import UTC, date, datetime, timedelta

from django.core.management import call_command

from strides.assessments.models import Assessment
from strides.assessments.services import assessment_record
from strides.clients.models import Appointment, Client, Episode
from strides.outcomes.models import EpisodeProgress
from strides.outcomes.rules import trajectory_params
from strides.progress import expected_score
from tests.base import PersonaTestCase, phq9_answers


class CalibrateRefreshesSummariesTests(PersonaTestCase):
    def finished_episodes(self, count: int) -> None:
        """`count` ended episodes, each with weekly PHQ-9 scores falling from its intake."""
        start = date(2025, 1, 6)
        for n in range(count):
            client = Client.objects.create(display_name=f"Synthetic {n}")
            episode = Episode.objects.create(
                client=client, therapist=self.tess, start=start, end=start + timedelta(weeks=6)
            )
            intake = 10 + n % 15
            for week in range(6):
                day = start + timedelta(weeks=week)
                Appointment.objects.create(
                    episode=episode,
                    at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
                    status="attended",
                )
                Assessment.objects.create(
                    episode=episode,
                    instrument_code="phq9",
                    instrument_version="1",
                    taken_on=day,
                    entered_by=self.tess,
                    answers={},
                    total=max(0, intake - week * (1 + n % 3)),
                    submission_key=uuid.uuid4(),
                )

    def test_calibrate_refreshes_every_stored_summary_with_the_new_parameters(self) -> None:
        for day, total in ((date(2026, 9, 1), 20), (date(2026, 9, 15), 17)):
            assessment_record(
                actor=self.tess,
                episode=self.tess_episode,
                instrument_code="phq9",
                answers=phq9_answers(total),
                taken_on=day,
                submission_key=uuid.uuid4(),
            )
        before = EpisodeProgress.objects.get(episode=self.tess_episode)
        self.finished_episodes(50)

        out = io.StringIO()
        call_command(
            "progress", "calibrate", "--instrument", "phq9", stdout=out, stderr=io.StringIO()
        )

        self.assertIn("phq9 calibrated on 50 finished episodes", out.getvalue())
        self.assertIn(f"Refreshed {Episode.objects.count()} episodes.", out.getvalue())
        self.assertEqual(EpisodeProgress.objects.count(), Episode.objects.count())
        after = EpisodeProgress.objects.get(episode=self.tess_episode)
        self.assertGreater(after.refreshed_at, before.refreshed_at)
        params = trajectory_params()["phq9"]
        self.assertIn("Calibrated on 50 finished episodes", params.source)
        summary = after.measures["phq9"]
        self.assertEqual(
            summary["expected"], round(expected_score(20, summary["count"], params), 1)
        )
        self.assertNotEqual(summary["expected"], before.measures["phq9"]["expected"])
