"""docs/operations.md's backup and restore drill, run as written, on SQLite (and on
PostgreSQL (a throwaway cluster)): row counts and content hashes equal, the audit
chain and its checkpoints verify, and the restored app signs in and decrypts a note."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.operations.commands import PROJECT_ROOT, clean_env, strides
from tests.reliability.harness import Browser, Gunicorn, Instance, PostgresCluster, postgres_bin

pytestmark = pytest.mark.processes

OPERATIONS = PROJECT_ROOT / "docs" / "operations.md"
HEADING = "## Backup and restore drill"
DEMO_PASSWORD = "drill-demo-password"
NOTE = "Synthetic drill note: walked to the harbour twice this week."


def drill_commands() -> str:
    """The first ```sh block after the drill's heading, exactly as written."""
    text = OPERATIONS.read_text()
    after = text[text.index(HEADING) :]
    start = after.index("```sh\n") + len("```sh\n")
    return after[start : after.index("```", start)]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_backup_drill_as_written(engine: str, tmp_path: Path) -> None:
    if engine == "sqlite":
        _drill(tmp_path, "", "")
        return
    bin_dir = postgres_bin()
    cluster = PostgresCluster(bin_dir)  # the live and the restore database, on a throwaway server
    try:
        cluster.start()
        cluster.createdb("strides_live")
        cluster.createdb("strides_restored")
        _drill(tmp_path, cluster.url("strides_live"), cluster.url("strides_restored"))
    finally:
        cluster.destroy()


def _drill(tmp_path: Path, source_url: str, restore_url: str) -> None:
    source = Instance(tmp_path / "live-var", source_url, {"STRIDES_DEMO_PASSWORD": DEMO_PASSWORD})
    source.run("demo", "--no-serve", "--clients", "6")
    appointment_id = int(
        source.python(
            f"""
            from strides.accounts.models import User
            from strides.clients.models import Appointment
            from strides.notes.services import note_save
            tess = User.objects.get(username="tess")
            appointment = Appointment.objects.filter(episode__therapist=tess).order_by("id")[0]
            note_save(actor=tess, appointment=appointment, text={NOTE!r}, base_version=0)
            print(appointment.pk)
            """
        ).split()[-1]
    )
    backups, safe = tmp_path / "backups", tmp_path / "key-safe"
    backups.mkdir()
    safe.mkdir(mode=0o700)
    (safe / "backup.passphrase").write_text("a drill passphrase, long enough\n")
    restored_var = tmp_path / "restored-var"
    env = clean_env(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "STRIDES_VAR_DIR": str(source.var_dir),
            "BACKUP_DIR": str(backups),
            "KEY_SAFE": str(safe),
            "RESTORE_VAR_DIR": str(restored_var),
            "RESTORE_DATABASE_URL": restore_url or f"sqlite:///{restored_var}/strides.sqlite3",
        }
        | ({"STRIDES_DATABASE_URL": source_url} if source_url else {})
    )
    commands = drill_commands()
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", commands],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"the drill failed:\n{done.stdout}\n{done.stderr}"
    assert "row counts and content hashes equal the backup's" in done.stdout
    assert "Audit chain intact" in done.stdout
    assert "1 checkpoint(s)" in done.stdout
    backup_bytes = (backups / "strides.backup").read_bytes()
    assert NOTE.encode() not in backup_bytes  # encrypted: not even the ciphertext's plain text
    assert b"encryption.keys" not in backup_bytes

    restored = Instance(restored_var, restore_url or f"sqlite:///{restored_var}/strides.sqlite3")
    manifests = [
        json.loads(
            instance.python(
                "import json; from strides.backups.database import current_manifest; "
                "print(json.dumps(current_manifest()))"
            )
            .strip()
            .splitlines()[-1]
        )
        for instance in (source, restored)
    ]
    assert manifests[0] == manifests[1]
    rows = sum(table["rows"] for table in manifests[0].values())

    # A wrong passphrase, and a restore over the restored data, are both refused.
    (safe / "wrong.passphrase").write_text("not the passphrase at all\n")
    empty = Instance(tmp_path / "empty-var")
    wrong = strides(
        "restore",
        str(backups / "strides.backup"),
        "--passphrase-file",
        str(safe / "wrong.passphrase"),
        env=empty.env,
    )
    assert wrong.returncode != 0 and "cannot be decrypted" in wrong.stderr
    again = strides(
        "restore",
        str(backups / "strides.backup"),
        "--passphrase-file",
        str(safe / "backup.passphrase"),
        env=restored.env,
    )
    assert again.returncode != 0 and "already has" in again.stderr

    server = Gunicorn(restored, workers=2, log_dir=tmp_path)
    server.start()
    try:
        browser = Browser(server.base)
        browser.sign_in("tess", DEMO_PASSWORD)
        page = browser.get(f"/appointments/{appointment_id}/note/")
        assert page.status == 200
        assert NOTE in page.body
    finally:
        server.stop()
    print(
        f"backup drill ({'postgresql' if restore_url else 'sqlite'}): {len(manifests[0])} tables, "
        f"{rows} rows equal after restore; audit chain and 1 checkpoint verified; wrong "
        "passphrase and non-empty target refused; restored app signed in and decrypted 1 note"
    )
