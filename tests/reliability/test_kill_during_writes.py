"""kill -9 of gunicorn (master and every worker) during 200 concurrent assessment
submissions, each with its own idempotency key, on SQLite and on PostgreSQL (a throwaway
cluster). After a restart every acknowledged submission is stored exactly once, none is
half-written (each has its one audit event), the resent ones store once, stored scores equal
scores recomputed from the stored answers, and the audit chain verifies.

The submissions go through the staff assessment form (`StaffAssessmentSubmitter`); the
portal's submission path can be hammered the same way with a submitter of its own."""

import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.reliability.harness import (
    Browser,
    Gunicorn,
    Instance,
    PostgresCluster,
    StaffAssessmentSubmitter,
    hammer,
    postgres_bin,
    resend,
)

pytestmark = pytest.mark.processes

SUBMISSIONS = 200
THREADS = 16


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_kill_9_during_concurrent_writes(engine: str, tmp_path: Path) -> None:
    cluster = None
    url = ""
    if engine == "postgresql":
        bin_dir = postgres_bin()
        cluster = PostgresCluster(bin_dir)
        cluster.start()
        cluster.createdb("strides")
        url = cluster.url("strides")
    server: Gunicorn | None = None
    try:
        instance = Instance(tmp_path / "var", url)
        episodes = instance.seed(clients=8)
        server = Gunicorn(instance, workers=3, log_dir=tmp_path)
        server.start()
        browser = Browser(server.base)
        browser.sign_in("rita")
        submitter = StaffAssessmentSubmitter(browser, episodes, time.strftime("%Y-%m-%d"))

        killed_at: list[float] = []

        def killer() -> None:
            time.sleep(4)
            assert server is not None
            server.kill9()
            killed_at.append(time.monotonic())

        thread = threading.Thread(target=killer)
        thread.start()
        outcomes = hammer(submitter, count=SUBMISSIONS, threads=THREADS)
        thread.join()
        acknowledged = [o for o in outcomes if o.acknowledged]
        assert len(outcomes) == SUBMISSIONS
        assert 0 < len(acknowledged) < SUBMISSIONS, "the kill must land during the writes"
        assert all(o.status in {0, 302} for o in outcomes), Counter(o.status for o in outcomes)

        server.start()  # the same instance, a new gunicorn
        instance.run("audit", "verify")
        stored = Counter(row["key"] for row in instance.stored_assessments())
        assert all(stored[o.key] == 1 for o in acknowledged), "an acknowledged write is lost"
        present_before_resend = sum(1 for o in outcomes if stored[o.key] == 1)
        resend(submitter, outcomes)
        rows = instance.stored_assessments()
        stored = Counter(row["key"] for row in rows)
        assert len(rows) == SUBMISSIONS and all(stored[o.key] == 1 for o in outcomes)
        assert all(row["audited"] == 1 for row in rows), "a half-written submission"
        assert all(
            r["total"] == r["recomputed_total"] and r["band"] == r["recomputed_band"] for r in rows
        )
        instance.run("audit", "verify")
        print(
            f"kill -9 ({engine}): {SUBMISSIONS} submissions from {THREADS} threads, "
            f"{len(acknowledged)} acknowledged before the kill, all found exactly once "
            f"({present_before_resend} stored in all, counting unacknowledged commits); "
            f"{SUBMISSIONS - len(acknowledged)} resent with their keys; {len(rows)} stored, "
            "each audited once, scores equal recomputed, audit chain verifies"
        )
    finally:
        if server is not None:
            server.stop()
        if cluster is not None:
            cluster.destroy()
