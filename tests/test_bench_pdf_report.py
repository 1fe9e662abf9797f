"""The benchmark's PDF report timing renders a real report of a seeded episode."""

from django.test import TestCase

from bench.network import NetworkSize, build_network
from bench.pdf_report import client_page_episode, pdf_report_seconds
from strides.audit.models import AuditEvent


class PdfReportTimingTests(TestCase):
    def test_times_the_client_page_case_report(self) -> None:
        size = NetworkSize(
            clients=20, episodes=30, assessments=100, small_caseload=3, large_caseload=8
        )
        loaded = build_network(size, progress_bar=False)
        episode_id = client_page_episode(loaded.client_page_id)
        seconds = pdf_report_seconds(episode_id=episode_id, repeats=2)
        self.assertGreater(seconds, 0)
        self.assertEqual(AuditEvent.objects.filter(action="report.disclose").count(), 2)
