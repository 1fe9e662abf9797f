"""The clinic-outcomes benchmark measures what it says on a small synthetic network."""

from django.test import TestCase

from bench.clinic_outcomes import measure
from bench.network import NetworkSize, build_network
from strides.clients.models import Episode


class ClinicOutcomesBenchTests(TestCase):
    def test_times_both_over_the_same_courses(self) -> None:
        size = NetworkSize(
            clients=60, episodes=90, assessments=600, small_caseload=5, large_caseload=20
        )
        build_network(size, progress_bar=False)
        timing = measure(repeats=1)
        ended = Episode.objects.filter(end__isnull=False).count()
        self.assertGreater(ended, 0)
        self.assertGreater(timing.courses, 0)
        self.assertLessEqual(timing.courses, ended)
        self.assertGreaterEqual(timing.rows, ended)
        self.assertGreater(timing.bare_ms, 0)
        self.assertGreater(timing.ratio, 0)
