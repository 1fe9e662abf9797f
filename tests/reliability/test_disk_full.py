"""The disk holding the SQLite database fills up (SQLite's `max_page_count` capping the
file, and a real 8 MB tmpfs filled to the last byte where it can be mounted): a write gets
the clear "not saved" page (503) and is not acknowledged, what was saved before stays
intact, the sign-in page and /healthz keep answering, and writes work again once there is
room. A client's record is not shown either, with the same clear page: opening it writes an
audit event, and Strides shows no record it cannot audit."""

import os
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.reliability.harness import (
    Browser,
    Gunicorn,
    Instance,
    StaffAssessmentSubmitter,
    hammer,
    unavailable,
)

pytestmark = pytest.mark.processes

BEFORE = 6
DURING = 30
# The max_page_count variant's gunicorn config: each worker caps the file at its size.
PAGE_CAP_CONFIG = """
from django.db.backends.signals import connection_created

def cap(sender, connection, **kwargs):
    cursor = connection.cursor()
    pages = cursor.execute("PRAGMA page_count").fetchone()[0]
    cursor.execute(f"PRAGMA max_page_count = {pages}")

def post_worker_init(worker):
    connection_created.connect(cap)
"""


def mount_tmpfs(folder: Path) -> bool:
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def fill(folder: Path) -> Path:
    """Write a file until the filesystem has no byte left."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


@pytest.mark.parametrize("how", ["max_page_count", "tmpfs"])
def test_disk_full_refuses_writes_keeps_data(how: str, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    if how == "tmpfs":
        if not mount_tmpfs(disk):
            unavailable("this account cannot mount a tmpfs (needs root or CAP_SYS_ADMIN)")
    else:
        disk.mkdir()
    database = disk / "strides.sqlite3"
    instance = Instance(tmp_path / "var", f"sqlite:///{database}")
    config = tmp_path / "gunicorn_cap.py"
    config.write_text(PAGE_CAP_CONFIG)
    server: Gunicorn | None = None
    try:
        episodes = instance.seed(clients=2)
        client_id = _client_of(instance, episodes[0])
        server = Gunicorn(instance, workers=2, log_dir=tmp_path)
        server.start()
        browser = Browser(server.base)
        browser.sign_in("rita")
        submitter = StaffAssessmentSubmitter(browser, episodes, time.strftime("%Y-%m-%d"))
        before = hammer(submitter, count=BEFORE, threads=2)
        assert all(o.acknowledged for o in before)

        filler = None
        if how == "tmpfs":
            filler = fill(disk)
        else:  # new workers, each connection capped at the file's present size
            server.stop()
            server.config = config
            server.start()
        during = hammer(submitter, count=DURING, threads=2)
        statuses = Counter(o.status for o in during)
        refused = [o for o in during if not o.acknowledged]
        assert refused, f"no write was refused on a full disk: {statuses}"
        assert all(
            o.status == 503 and "could not write to its storage" in o.body for o in refused
        ), statuses
        anonymous = Browser(server.base)
        reads = [anonymous.get(path) for path in ("/healthz", "/accounts/login/")]
        if how == "max_page_count":
            assert [r.status for r in reads] == [200, 200]
        else:
            # A real full disk: SQLite removes its write-ahead log when the last connection
            # closes and cannot make a new one, so even opening the database may fail; that
            # too must be the 503, never a 500 (docs/deploy.md: watch the free space).
            assert all(r.status in (200, 503) for r in reads), [r.status for r in reads]
        # Opening a client's record writes its audit event: refused as clearly, not a 500.
        record = browser.get(f"/clients/{client_id}/")
        assert record.status == 503 and "could not write to its storage" in record.body
        read_ok = sum(r.status == 200 for r in reads)

        if filler is not None:
            filler.unlink()
        else:
            server.stop()
            server.config = None
            server.start()
        after = hammer(submitter, count=3, threads=1)
        assert all(o.acknowledged for o in after), "writes did not work again with room"
        server.stop()

        with sqlite3.connect(database) as db:
            (check,) = db.execute("PRAGMA integrity_check").fetchone()
        db.close()
        assert check == "ok"
        stored = Counter(row["key"] for row in instance.stored_assessments())
        for o in [*before, *during, *after]:
            assert stored[o.key] == (1 if o.acknowledged else 0), o
        print(
            f"disk full ({how}): {BEFORE} saved before, {len(during)} sent while full: "
            f"{len(refused)} refused with the 503 page, {len(during) - len(refused)} "
            f"acknowledged and stored; {read_ok} of {len(reads)} reads answered 200; "
            f"integrity ok; {BEFORE} earlier found; 3 saved again after room was made"
        )
    finally:
        if server is not None:
            server.stop()
        if how == "tmpfs":
            subprocess.run(["umount", "-l", str(disk)], check=False)


def _client_of(instance: Instance, episode_id: int) -> int:
    out = instance.python(
        f"from strides.clients.models import Episode; "
        f"print(Episode.objects.get(pk={episode_id}).client_id)"
    )
    return int(out.split()[-1])
