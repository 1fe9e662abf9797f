"""The demo clinic's alerts can be believed: every open not-on-track alert belongs to a
client who is not on track now, no client has two open alerts of one kind and measure,
the summary prints the share flagged, and the courses follow published figures."""

import io
import random
import re
from collections import Counter

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from strides.alerts.models import Alert, AlertStatus
from strides.demo.assessments import INTAKE_MEAN, choose_course, course_totals
from strides.demo.seed import seed_demo
from strides.outcomes.models import EpisodeProgress, TrajectoryCalibration
from strides.outcomes.status import status_now


class DemoAlertTests(TestCase):
    def assert_alerts_can_be_believed(self) -> None:
        open_alerts = Alert.objects.filter(status=AlertStatus.OPEN).select_related(
            "episode__progress"
        )
        not_on_track = [a for a in open_alerts if a.kind == "not_on_track"]
        today = timezone.localdate()
        for alert in not_on_track:
            progress = alert.episode.progress
            shown = status_now(
                status=progress.status,
                explanation=progress.status_explanation,
                last_assessed_on=progress.last_assessed_on,
                ended=alert.episode.end is not None,
                today=today,
            )
            self.assertIsNone(alert.episode.end, alert.summary)
            self.assertEqual(shown.status, "not_on_track", alert.summary)
        same = Counter((a.episode.client_id, a.kind, a.instrument) for a in open_alerts)
        self.assertEqual([key for key, n in same.items() if n > 1], [])

    def test_seeded_by_the_command_with_the_shipped_parameters(self) -> None:
        out = io.StringIO()
        call_command("demo", "--no-serve", "--clients", "30", stdout=out, stderr=io.StringIO())
        self.assert_alerts_can_be_believed()
        share = re.search(r"(\d+) % of active clients not on track", out.getvalue())
        assert share is not None, out.getvalue()
        active = EpisodeProgress.objects.filter(episode__end__isnull=True)
        flagged = active.filter(status="not_on_track").count()
        self.assertEqual(int(share.group(1)), round(100 * flagged / active.count()))

    def test_the_properties_hold_whatever_the_trajectory_parameters(self) -> None:
        for sigma in (0.5, 3.0, 8.0):  # a very narrow, a middling and a very wide band
            with self.subTest(sigma=sigma), transaction.atomic():
                TrajectoryCalibration.objects.create(
                    instrument="phq9",
                    beta0=0,
                    beta1=-0.25,
                    sigma=sigma,
                    z=1.645,
                    n_episodes=50,
                    created_by="test",
                )
                seed_demo(password="demo-password", n_clients=30, seed=3)
                self.assert_alerts_can_be_believed()
                transaction.set_rollback(True)


class DemoCourseTests(TestCase):
    """The course generator against the published NHS Talking Therapies figures."""

    def test_finished_courses_follow_published_shares(self) -> None:
        rng = random.Random(11)
        improved = deteriorated = 0
        intakes = []
        n = 4000
        for _ in range(n):
            course = choose_course(rng)
            intake = min(27.0, max(5.0, rng.gauss(INTAKE_MEAN, 4.5)))
            intakes.append(intake)
            measured = rng.randint(3, 8)
            phq = course_totals(
                rng, course, intake=intake, measured=measured, planned=measured, scale=1, top=27
            )
            gad = course_totals(
                rng,
                course,
                intake=intake * 0.75,
                measured=measured,
                planned=measured,
                scale=0.75,
                top=21,
            )
            phq_change, gad_change = phq[-1] - phq[0], gad[-1] - gad[0]
            worse = phq_change >= 6 or gad_change >= 4
            better = phq_change <= -6 or gad_change <= -4
            improved += better and not worse
            deteriorated += worse
        # Published: reliable improvement about two thirds, reliable deterioration a small
        # minority (5-10 %); intake PHQ-9 in the mid-teens.
        self.assertTrue(0.5 <= improved / n <= 0.75, improved / n)
        self.assertTrue(0.04 <= deteriorated / n <= 0.12, deteriorated / n)
        self.assertTrue(14 <= sum(intakes) / n <= 17)
