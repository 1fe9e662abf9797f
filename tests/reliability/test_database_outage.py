"""PostgreSQL restarted in immediate mode under load (our own throwaway cluster, not the
machine's shared server): writes during the outage get the 503 "not saved" page and are
not acknowledged, Strides serves again within seconds without a restart of its own, and
every acknowledged write is stored exactly once."""

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

RECOVERY_SECONDS = 5.0


def test_postgres_restart_under_load(tmp_path: Path) -> None:
    bin_dir = postgres_bin()
    cluster = PostgresCluster(bin_dir)
    server: Gunicorn | None = None
    try:
        cluster.start()
        cluster.createdb("strides")
        instance = Instance(tmp_path / "var", cluster.url("strides"))
        episodes = instance.seed(clients=4)
        server = Gunicorn(instance, workers=3, log_dir=tmp_path)
        server.start()
        browser = Browser(server.base)
        browser.sign_in("rita")
        submitter = StaffAssessmentSubmitter(browser, episodes, time.strftime("%Y-%m-%d"))

        marks: dict[str, float] = {}

        def outage() -> None:
            time.sleep(3)
            marks["down"] = time.monotonic()
            cluster.stop("immediate")
            time.sleep(4)
            # Writes may succeed from the moment the server accepts connections, which is
            # before start() returns: the outage ends when the start begins.
            marks["starting"] = time.monotonic()
            cluster.start()
            marks["up"] = time.monotonic()

        restarter = threading.Thread(target=outage)
        restarter.start()
        outcomes = hammer(submitter, count=100_000, threads=4, stop_after=16)
        restarter.join()

        statuses = Counter(o.status for o in outcomes)
        assert set(statuses) <= {302, 503}, f"unexpected answers: {statuses}"
        # A write committed just before the stop may be answered a moment later on a busy
        # machine (it was saved, so it is acknowledged): the window starts 1.5 s in.
        during = [o for o in outcomes if marks["down"] + 1.5 < o.at < marks["starting"]]
        assert during and all(o.status == 503 for o in during), Counter(o.status for o in during)
        refused = [o for o in outcomes if o.status == 503]
        assert all("was not saved" in o.body for o in refused)
        after = sorted(o.at for o in outcomes if o.acknowledged and o.at > marks["up"])
        assert after, "no write was acknowledged after PostgreSQL came back"
        recovery = after[0] - marks["up"]
        assert recovery < RECOVERY_SECONDS

        acknowledged = {o.key for o in outcomes if o.acknowledged}
        stored = Counter(row["key"] for row in instance.stored_assessments())
        assert all(stored[key] == 1 for key in acknowledged), "an acknowledged write is missing"
        # Sending the refused ones again (same keys) stores each exactly once.
        resend(submitter, outcomes)
        rows = instance.stored_assessments()
        stored = Counter(row["key"] for row in rows)
        assert all(stored[o.key] == 1 for o in outcomes)
        assert len(rows) == len(outcomes)
        assert all(
            r["total"] == r["recomputed_total"] and r["band"] == r["recomputed_band"] for r in rows
        )
        print(
            f"postgres outage: {len(outcomes)} submissions, {len(acknowledged)} acknowledged, "
            f"{len(refused)} refused with 503 ({len(during)} while the database was down), "
            f"first acknowledged write {recovery:.2f} s after it was back; all "
            f"{len(acknowledged)} acknowledged found once; {len(refused)} resent, "
            f"{len(rows)} stored, scores equal recomputed"
        )
    finally:
        if server is not None:
            server.stop()
        cluster.destroy()
