"""`strides worker` killed (kill -9) while it sends an invitation mail, at the two moments
that matter, against a mail server on loopback (`SmtpSink`) that holds it there:

1. the message is sent but the server has not answered: nothing is delivered; after a
   restart the claim's lease runs out, the task runs again, and the mail arrives once,
   with the same Message-ID;
2. the server accepted the message and the worker is saying goodbye (QUIT): the mail is
   already marked sent, so the task that runs again after the restart skips it.

Each time exactly one mail per invitation arrives and one invitation exists."""

import json
import time
from pathlib import Path

import pytest

from tests.reliability.harness import Instance, Worker
from tests.reliability.smtp_sink import SmtpSink

pytestmark = pytest.mark.processes

LEASE_SECONDS = 3
WAIT_SECONDS = 30


def _state(instance: Instance) -> dict[str, list[dict[str, object]]]:
    out = instance.python(
        """
        import json
        from django_tasks_db.models import DBTaskResult
        from strides.portal.models import EmailDelivery, Invitation
        print(json.dumps({
            "invitations": list(Invitation.objects.values("id", "episode_id")),
            "deliveries": list(EmailDelivery.objects.order_by("id").values(
                "id", "invitation_id", "to_address", "status", "attempts")),
            "tasks": [{"status": t.status, "workers": len(t.worker_ids),
                       "returned": t.return_value}
                      for t in DBTaskResult.objects.order_by("enqueued_at")],
        }))
        """
    )
    return dict(json.loads(out.strip().splitlines()[-1]))


def _wait(condition: object, what: str) -> float:
    """Seconds until `condition()` holds (fails after WAIT_SECONDS)."""
    assert callable(condition)
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < WAIT_SECONDS, f"timed out waiting for {what}"
        time.sleep(0.1)
    return time.monotonic() - started


def test_worker_killed_mid_send_mails_once(tmp_path: Path) -> None:
    sink = SmtpSink()
    instance = Instance(
        tmp_path / "var", extra_env={"STRIDES_TASK_LEASE_SECONDS": str(LEASE_SECONDS), **sink.env}
    )
    episodes = instance.seed(clients=2)
    instance.python(
        """
        from strides.clients.models import Client
        for n, client in enumerate(Client.objects.order_by("id")):
            client.email = f"client{n}@example.org"
            client.save()
        """
    )
    worker = Worker(instance, log_dir=tmp_path, name="worker-1")
    try:
        # 1. Killed before the server accepted the message.
        sink.stall("data")
        instance.run(
            "invite", "create", "--episode", str(episodes[0]), "--instruments", "phq9", "--email"
        )
        worker.start()
        _wait(sink.stalled.is_set, "the worker to send the first mail")
        worker.kill9()
        killed_at = time.monotonic()
        held = _state(instance)
        assert [d["status"] for d in held["deliveries"]] == ["sending"]
        assert [t["status"] for t in held["tasks"]] == ["RUNNING"]
        assert not sink.delivered and len(sink.aborted) == 1
        worker = Worker(instance, log_dir=tmp_path, name="worker-2")
        worker.start()
        _wait(lambda: len(sink.delivered) == 1, "the mail to be sent again")
        resent_after = time.monotonic() - killed_at
        assert resent_after >= LEASE_SECONDS - 0.5, "sent again before the lease ran out"
        assert sink.delivered[0].message_id == sink.aborted[0].message_id
        # That session's QUIT must not meet the stall set for the next mail below.
        _wait(lambda: sink.said_bye == 1, "the resent mail's session to end")

        # 2. Killed after the server accepted it, while saying goodbye.
        sink.stall("quit")
        instance.run(
            "invite", "create", "--episode", str(episodes[1]), "--instruments", "phq9", "--email"
        )
        _wait(sink.stalled.is_set, "the worker to send the second mail")
        worker.kill9()
        assert len(sink.delivered) == 2
        worker = Worker(instance, log_dir=tmp_path, name="worker-3")
        worker.start()
        # The dead worker's task becomes ready after the lease and runs again: it skips.
        _wait(lambda: "ran 1 tasks" in worker.log.read_text(), "the second task to run again")
        time.sleep(1)  # a few more rounds: nothing else is sent
    finally:
        worker.stop()
        sink.close()
    done = _state(instance)
    assert len(done["invitations"]) == 2
    assert [(d["status"], d["attempts"]) for d in done["deliveries"]] == [("sent", 1)] * 2
    assert [(t["status"], t["workers"], t["returned"]) for t in done["tasks"]] == [
        ("SUCCESSFUL", 2, "sent"),
        ("SUCCESSFUL", 2, "skipped"),
    ]
    assert sorted(m.to for m in sink.delivered) == ["client0@example.org", "client1@example.org"]
    assert len({m.message_id for m in sink.delivered}) == 2
    print(
        f"worker kill -9: 2 invitation mails, worker killed twice mid-send; before the "
        f"server's answer: {len(sink.aborted)} aborted, sent again {resent_after:.1f} s "
        f"after the kill (lease {LEASE_SECONDS} s) with the same Message-ID; after the "
        f"server's answer: marked sent, the task ran again and skipped; "
        f"{len(sink.delivered)} mails delivered (1 per invitation), "
        f"{len(done['invitations'])} invitations, {len(done['deliveries'])} deliveries sent "
        f"once each, {len(done['tasks'])} tasks each run by 2 workers"
    )
