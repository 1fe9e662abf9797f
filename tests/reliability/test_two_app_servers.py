"""Two app servers (gunicorn, two workers each, their own var folders with the same keys)
on one PostgreSQL: a sign-in made through one works on the other, an assessment recorded
through one is on the other's client page and caseload at once, a note written through one
reads on the other, and signing out through one ends the session on both. Two workers (one
beside each server) share a queue of invitation mails: each is sent exactly once."""

import json
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.reliability.harness import (
    Browser,
    Gunicorn,
    Instance,
    PostgresCluster,
    Worker,
    assessment_path,
    phq9_form,
    postgres_bin,
)
from tests.reliability.smtp_sink import SmtpSink

pytestmark = pytest.mark.processes

SHARED_KEYS = ["encryption.keys", "audit.keys", "secret_key"]
NOTE = "Synthetic note written through the first server."
QUEUED_MAILS = 40


def test_two_app_servers_on_one_postgres(tmp_path: Path) -> None:
    bin_dir = postgres_bin()
    cluster = PostgresCluster(bin_dir)
    servers: list[Gunicorn] = []
    workers: list[Worker] = []
    sink = SmtpSink()
    try:
        cluster.start()
        cluster.createdb("strides")
        first = Instance(tmp_path / "var-a", cluster.url("strides"))
        episodes = first.seed(clients=2)
        appointment = int(
            first.python(
                f"""
            from datetime import timedelta
            from django.utils import timezone
            from strides.accounts.models import User
            from strides.clients.models import Episode
            from strides.clients.services import appointment_create
            from strides.crypto import key_ring
            key_ring()  # the encryption key file, made on first use
            rita = User.objects.get(username="rita")
            print(appointment_create(actor=rita, episode=Episode.objects.get(pk={episodes[0]}),
                                     at=timezone.now() - timedelta(hours=1)).pk)
            """
            ).split()[-1]
        )
        second = Instance(tmp_path / "var-b", cluster.url("strides"))
        second.var_dir.mkdir(mode=0o700)
        for name in SHARED_KEYS:  # docs/deploy.md: every app server has the same keys
            shutil.copy2(first.var_dir / name, second.var_dir / name)
        servers = [
            Gunicorn(first, workers=2, log_dir=tmp_path, name="a"),
            Gunicorn(second, workers=2, log_dir=tmp_path, name="b"),
        ]
        for server in servers:
            server.start()
        a, b = Browser(servers[0].base), Browser(servers[1].base)
        a.sign_in("rita")
        b.use_session(a)
        assert b.get("/clients/").status == 200, "the sign-in through A does not work on B"

        recorded = a.post(
            assessment_path(episodes[0]),
            phq9_form("6f1c2b9e-0000-4000-8000-000000000001", 17, time.strftime("%Y-%m-%d")),
        )
        assert recorded.status == 302
        client_page, anchor = recorded.headers["Location"].split("#")
        on_b = b.get(client_page)
        assert on_b.status == 200 and f'id="{anchor}"' in on_b.body
        assert "17" in b.get(f"/assessments/{anchor.removeprefix('assessment-')}/").body
        caseload = b.get("/clients/")
        assert caseload.status == 200 and "Synthetic Client 0" in caseload.body

        saved = a.post(f"/appointments/{appointment}/note/", {"text": NOTE, "base_version": "0"})
        assert saved.status == 302
        assert NOTE in b.get(f"/appointments/{appointment}/note/").body

        fresh = Browser(servers[1].base)
        fresh.sign_in("rita")  # a sign-in through B, used on A
        other = Browser(servers[0].base)
        other.use_session(fresh)
        assert other.get("/clients/").status == 200
        assert other.post("/accounts/logout/", {}).status == 302
        assert fresh.get("/clients/").status == 302, "signed out on A, still in on B"

        queued = _queue_invitation_mails(first, episodes)
        workers = [
            Worker(instance, log_dir=tmp_path, name=f"worker-{name}", env=sink.env)
            for instance, name in [(first, "a"), (second, "b")]
        ]
        started = time.monotonic()
        for worker in workers:
            worker.start()
        while len(sink.delivered) < QUEUED_MAILS and time.monotonic() < started + 60:
            time.sleep(0.1)
        mail_seconds = time.monotonic() - started
        time.sleep(1)  # more rounds of both workers: nothing is sent twice
        tasks = _mail_tasks(first)
    finally:
        for worker in workers:
            worker.stop()
        for server in servers:
            server.stop()
        sink.close()
        cluster.destroy()
    sent = Counter(mail.to for mail in sink.delivered)
    assert len(sink.delivered) == QUEUED_MAILS and sorted(sent) == sorted(queued)
    assert set(sent.values()) == {1}, "a queued mail was sent twice"
    assert [(t["status"], t["returned"], t["workers"]) for t in tasks] == [
        ("SUCCESSFUL", "sent", 1)
    ] * QUEUED_MAILS
    by_worker = Counter(t["worker"] for t in tasks)
    print(
        "two app servers on one PostgreSQL: sign-ins carried both ways (A to B, B to A); "
        "1 assessment through A on B's client page, detail and caseload at once; 1 note "
        "through A read on B; sign-out through A ended the session on B; "
        f"{QUEUED_MAILS} invitation mails queued, 2 workers ran {sorted(by_worker.values())} "
        f"of them, {len(sink.delivered)} delivered in {mail_seconds:.1f} s, each exactly once"
    )


def _queue_invitation_mails(instance: Instance, episodes: list[int]) -> list[str]:
    """QUEUED_MAILS invitations, each emailed to an address of its own; the addresses."""
    out = instance.python(
        f"""
        import json
        from strides.clients.models import Episode
        from strides.portal.services import invitation_create
        addresses = []
        for n in range({QUEUED_MAILS}):
            episode = Episode.objects.select_related("client").get(pk={episodes}[n % 2])
            episode.client.email = f"client{{n}}@example.org"
            episode.client.save()
            invitation_create(actor=None, episode=episode, instruments=["phq9"])
            addresses.append(episode.client.email)
        print(json.dumps(addresses))
        """
    )
    return list(json.loads(out.strip().splitlines()[-1]))


def _mail_tasks(instance: Instance) -> list[dict[str, object]]:
    out = instance.python(
        """
        import json
        from django_tasks_db.models import DBTaskResult
        print(json.dumps([{"status": t.status, "returned": t.return_value,
                           "workers": len(t.worker_ids), "worker": t.worker_ids[-1]}
                          for t in DBTaskResult.objects.all()]))
        """
    )
    return list(json.loads(out.strip().splitlines()[-1]))
