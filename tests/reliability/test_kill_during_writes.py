"""kill -9 of gunicorn (master and every worker) during 200 concurrent portal submissions,
each client in a portal session of its own with its own idempotency key, on SQLite and on
PostgreSQL (a throwaway cluster). After a restart every acknowledged submission is stored
exactly once, none is half-written (each assessment has its one audit event, each used
invitation its assessment and its one submit event), the unacknowledged ones sent again
through their sessions are thanked and stored once, stored scores equal scores recomputed
from the stored answers, and the audit chain verifies."""

import json
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.reliability.harness import (
    Gunicorn,
    Instance,
    PortalSession,
    PortalSubmitter,
    PostgresCluster,
    Reply,
    hammer,
    portal_sessions,
    postgres_bin,
    resend,
)

pytestmark = pytest.mark.processes

SUBMISSIONS = 200
THREADS = 16
KILL_AFTER = 20  # acknowledged submissions: the kill lands in the middle of the writes


class CountingSubmitter(PortalSubmitter):
    """Counts acknowledged submissions as they come, for the killer to wait on."""

    def __init__(self, base: str, sessions: list[PortalSession]) -> None:
        super().__init__(base, sessions)
        self.acknowledged_count = 0
        self.lock = threading.Lock()

    def submit(self, key: str, n: int) -> Reply:
        reply = super().submit(key, n)
        if self.acknowledged(reply):
            with self.lock:
                self.acknowledged_count += 1
        return reply


def _portal_rows(instance: Instance) -> dict[str, int]:
    out = instance.python(
        """
        import json
        from strides.assessments.models import Assessment
        from strides.audit.models import AuditEvent
        from strides.portal.models import Invitation
        from strides.portal.services import _submission_key
        used = Invitation.objects.filter(used_at__isnull=False)
        stored = set(Assessment.objects.values_list("submission_key", flat=True))
        print(json.dumps({
            "used": used.count(),
            "used_without_assessment": sum(
                1 for i in used if _submission_key(i, "phq9") not in stored),
            "submit_events": AuditEvent.objects.filter(action="portal.submit").count(),
        }))
        """
    )
    return dict(json.loads(out.strip().splitlines()[-1]))


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_kill_9_during_concurrent_portal_submissions(engine: str, tmp_path: Path) -> None:
    cluster = None
    url = ""
    if engine == "postgresql":
        cluster = PostgresCluster(postgres_bin())
        cluster.start()
        cluster.createdb("strides")
        url = cluster.url("strides")
    server: Gunicorn | None = None
    try:
        started = time.monotonic()
        instance = Instance(tmp_path / "var", url)
        sessions = portal_sessions(instance, instance.seed(clients=8), SUBMISSIONS)
        server = Gunicorn(instance, workers=3, log_dir=tmp_path)
        server.start()
        submitter = CountingSubmitter(server.base, sessions)

        def killer() -> None:
            deadline = time.monotonic() + 30
            while submitter.acknowledged_count < KILL_AFTER and time.monotonic() < deadline:
                time.sleep(0.01)
            assert server is not None
            server.kill9()

        thread = threading.Thread(target=killer)
        thread.start()
        outcomes = hammer(submitter, count=SUBMISSIONS, threads=THREADS)
        thread.join()
        acknowledged = [o for o in outcomes if o.acknowledged]
        assert len(outcomes) == SUBMISSIONS
        assert 0 < len(acknowledged) < SUBMISSIONS, "the kill must land during the writes"
        assert all(o.status in {0, 302} for o in outcomes), Counter(o.status for o in outcomes)

        server.start()  # the same instance, a new gunicorn
        stored = Counter(row["key"] for row in instance.stored_assessments())
        assert all(stored[o.key] == 1 for o in acknowledged), "an acknowledged write is lost"
        present_before_resend = sum(1 for o in outcomes if stored[o.key] == 1)
        resent = resend(submitter, outcomes, threads=THREADS)
        rows = instance.stored_assessments()
        stored = Counter(row["key"] for row in rows)
        assert len(rows) == SUBMISSIONS and all(stored[o.key] == 1 for o in outcomes)
        assert all(row["audited"] == 1 for row in rows), "a half-written submission"
        assert all(
            r["total"] == r["recomputed_total"] and r["band"] == r["recomputed_band"] for r in rows
        )
        portal = _portal_rows(instance)
        assert portal == {
            "used": SUBMISSIONS,
            "used_without_assessment": 0,
            "submit_events": SUBMISSIONS,
        }, portal
        instance.run("audit", "verify")
        print(
            f"kill -9 ({engine}): {SUBMISSIONS} portal submissions (own sessions and keys) "
            f"from {THREADS} threads, {len(acknowledged)} acknowledged before the kill, all "
            f"found exactly once ({present_before_resend} stored in all, counting "
            f"unacknowledged commits); {resent} resent through their sessions, all thanked; "
            f"{len(rows)} stored, each audited once, {portal['submit_events']} submit events, "
            f"scores equal recomputed, audit chain verifies "
            f"({time.monotonic() - started:.0f} s)"
        )
    finally:
        if server is not None:
            server.stop()
        if cluster is not None:
            cluster.destroy()
