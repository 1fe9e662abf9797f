"""Encryption key rotation under load, without downtime: while gunicorn (2 workers) serves
a steady stream of note saves and reads, `strides encryption add-key`, `rotate` and
`retire` run beside it. No request fails, every read shows the text just saved, the
running app servers pick up the new key without a restart (they read the replaced key
file), every version of every note written before, during and after decrypts to what was
written, and afterwards everything is under the new key, the only one left."""

import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.reliability.harness import Browser, Gunicorn, Instance

pytestmark = pytest.mark.processes

APPOINTMENTS = 4  # one writer thread each
SETTLE_SECONDS = 2.0  # load before the rotation starts and after it ends


@dataclass
class Writer:
    appointment: int
    written: list[str] = field(default_factory=list)
    saves: Counter[int] = field(default_factory=Counter)  # status of each save
    reads: Counter[int] = field(default_factory=Counter)
    stale_reads: int = 0
    phases: Counter[str] = field(default_factory=Counter)


def _appointments(instance: Instance, episodes: list[int]) -> list[int]:
    out = instance.python(
        f"""
        import json
        from datetime import timedelta
        from django.utils import timezone
        from strides.accounts.models import User
        from strides.clients.models import Episode
        from strides.clients.services import appointment_create
        rita = User.objects.get(username="rita")
        print(json.dumps([
            appointment_create(actor=rita, episode=Episode.objects.get(pk=pk),
                               at=timezone.now() - timedelta(hours=1)).pk
            for pk in {episodes}
        ]))
        """
    )
    return list(json.loads(out.strip().splitlines()[-1]))


def _stored(instance: Instance) -> dict[str, object]:
    """Every version of every note, decrypted, and what still needs an old key."""
    out = instance.python(
        """
        import json
        from strides.crypto import key_ring
        from strides.notes.models import Note
        from strides.notes.rotation import values_needing_old_keys
        notes = {}
        for note in Note.objects.all():
            versions = [r.body for r in note.revisions.order_by("version")]
            notes[str(note.appointment_id)] = [*versions, note.body]
        ring = key_ring()
        print(json.dumps({"notes": notes, "old": values_needing_old_keys(),
                          "fingerprint": ring.fingerprint(), "ring": repr(ring)}))
        """
    )
    return dict(json.loads(out.strip().splitlines()[-1]))


def test_key_rotation_under_load(tmp_path: Path) -> None:
    instance = Instance(tmp_path / "var")
    appointments = _appointments(instance, instance.seed(clients=APPOINTMENTS))
    server = Gunicorn(instance, workers=2, log_dir=tmp_path)
    writers = [Writer(pk) for pk in appointments]
    phase = ["before"]
    stop = threading.Event()

    def write(writer: Writer, browser: Browser) -> None:
        path = f"/appointments/{writer.appointment}/note/"
        while not stop.is_set():
            text = f"Synthetic note {writer.appointment}, version {len(writer.written) + 1}."
            now = phase[0]
            saved = browser.post(path, {"text": text, "base_version": str(len(writer.written))})
            writer.saves[saved.status] += 1
            if saved.status != 302:
                continue
            writer.written.append(text)
            writer.phases[now] += 1
            read = browser.get(path)
            writer.reads[read.status] += 1
            writer.stale_reads += text not in read.body

    try:
        server.start()
        browser = Browser(server.base)
        browser.sign_in("rita")
        threads = [threading.Thread(target=write, args=(w, browser)) for w in writers]
        for thread in threads:
            thread.start()
        time.sleep(SETTLE_SECONDS)
        phase[0] = "during"
        started = time.monotonic()
        added = instance.run("encryption", "add-key")
        rotated = instance.run("encryption", "rotate")
        instance.run("encryption", "retire")
        rotation_seconds = time.monotonic() - started
        phase[0] = "after"
        time.sleep(SETTLE_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        # A fresh sign-in and every note page read once more through the running server.
        again = Browser(server.base)
        again.sign_in("rita")
        final_reads = [again.get(f"/appointments/{w.appointment}/note/") for w in writers]
    finally:
        stop.set()
        server.stop()

    saves = sum((w.saves for w in writers), Counter[int]())
    reads = sum((w.reads for w in writers), Counter[int]())
    assert set(saves) == {302} and set(reads) == {200}, f"a request failed: {saves} {reads}"
    assert sum(w.stale_reads for w in writers) == 0, "a read did not show the text saved"
    assert all(
        r.status == 200 and w.written[-1] in r.body
        for w, r in zip(writers, final_reads, strict=True)
    )
    phases = sum((w.phases for w in writers), Counter[str]())
    assert all(phases[name] > 0 for name in ("before", "during", "after")), phases
    stored = _stored(instance)
    assert stored["notes"] == {str(w.appointment): w.written for w in writers}
    new_key = re.search(r"Added key ([0-9a-f]{8})\.", added)
    assert new_key is not None and stored["fingerprint"] == new_key[1]
    assert stored["old"] == 0 and "keys=1" in str(stored["ring"])
    re_encrypted = re.search(r"Re-encrypted (\d+) values", rotated)
    assert re_encrypted is not None and int(re_encrypted[1]) > 0
    versions = sum(len(w.written) for w in writers)
    print(
        f"key rotation under load (gunicorn, 2 workers, {len(writers)} writers): "
        f"{saves[302]} saves and {reads[200]} reads, none failed, no stale read; "
        f"add-key, rotate ({re_encrypted[1]} values re-encrypted) and retire took "
        f"{rotation_seconds:.1f} s; saves before/during/after: {phases['before']}/"
        f"{phases['during']}/{phases['after']}; all {versions} versions decrypt to what was "
        f"written, 0 values need an old key, 1 key left ({stored['fingerprint']})"
    )
