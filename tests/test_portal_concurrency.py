"""Twenty concurrent submissions with one invitation store one set of assessments, a
risk answer's alert exists in the same transaction as its assessment, and eight links of
one episode submitted at once each store and open one alert between them.

On PostgreSQL the threads run against the test database. On SQLite they run in a child
process against a fresh SQLite file, as deployed (see tests/portal_concurrency_run.py).
"""

from typing import Any

from django.db import connection
from django.test import TransactionTestCase

from tests.portal_concurrency_run import LINKS, SUBMITTERS, both
from tests.portal_helpers import run_in_sqlite_file


def run_both() -> dict[str, Any]:
    if connection.vendor != "sqlite":
        return both()
    return run_in_sqlite_file("tests.portal_concurrency_run")


class ConcurrentSubmitTests(TransactionTestCase):
    def test_twenty_concurrent_submits_store_once_and_a_risk_alert_with_its_assessment(
        self,
    ) -> None:
        results = run_both()
        result = results["plain"]
        self.assertEqual(result["outcomes"], ["refused"] * (SUBMITTERS - 1) + ["stored"])
        self.assertEqual(result["instruments"], ["gad7", "phq9"])
        # A risk answer: its alert is stored with its assessment, and mailed once.
        result = results["risk"]
        self.assertEqual(result["outcomes"], ["refused"] * (SUBMITTERS - 1) + ["stored"])
        self.assertEqual(result["instruments"], ["phq9"])
        self.assertEqual(result["risk_alert_sources"], result["risk_assessments"])
        self.assertEqual(len(result["risk_assessments"]), 1)
        self.assertEqual(result["alert_mails"], 1)
        # Eight links of one episode at once: each stored, one open risk alert for them.
        result = results["one_episode"]
        self.assertEqual(result["outcomes"], ["stored"] * LINKS)
        self.assertEqual(result["assessments"], LINKS)
        self.assertEqual(result["open_alerts"], 1)
