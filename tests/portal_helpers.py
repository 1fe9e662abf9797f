"""Shared helpers for the client portal tests: a per-test outbox folder, the worker."""

import tempfile
from typing import Any

from django.conf import settings
from django.test import override_settings

from strides.portal.worker import new_worker_id, run_round


def outbox_settings() -> tuple[override_settings, str]:
    """Settings that send portal mail to a fresh folder (the demo's file backend)."""
    folder = tempfile.mkdtemp(prefix="outbox-")
    mailers: dict[str, Any] = {
        **settings.MAILERS,
        "portal": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": folder},
        },
    }
    return override_settings(MAILERS=mailers), folder


def run_worker() -> dict[str, int]:
    """One round of `strides worker`: the tick, then every ready task."""
    return run_round(new_worker_id())


def outbox_mail(folder: str) -> str:
    """Every message in the outbox folder, decoded: headers, plain text and HTML."""
    from email import message_from_bytes, policy
    from email.message import EmailMessage
    from pathlib import Path

    parts: list[str] = []
    for path in sorted(Path(folder).glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not chunk.strip():
                continue
            message = message_from_bytes(chunk, policy=policy.default)
            assert isinstance(message, EmailMessage)
            parts.append(f"Subject: {message['Subject']}\nTo: {message['To']}")
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    parts.append(str(part.get_content()))
    return "\n".join(parts)


def run_in_sqlite_file(module: str) -> dict[str, Any]:
    """Run `python -m module` against a fresh SQLite file (the deployment's mode) and
    return the JSON it prints last. The test runner's in-memory SQLite shares one cache
    between threads and fails concurrent writers at once instead of queueing them."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("STRIDES_DATABASE")}
    env["STRIDES_VAR_DIR"] = tempfile.mkdtemp(prefix="portal-threads-")
    done = subprocess.run(
        [sys.executable, "-m", module],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
