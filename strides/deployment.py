"""The refusal to start with insecure settings or with data files others can read.

`refuse_insecure_settings` is called at the end of settings.py when debug is off. Each
problem names the variable to change, so an IT person can fix it without reading code.

`check_private_files` is a system check (registered by the web app), so `strides serve`,
`strides demo`, `strides migrate` and `strides check` refuse to run while the SQLite
database (with its `-wal` and `-shm` files) or a key file is open to group or others,
debug or not, and say which `chmod` fixes it.
"""

import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core import checks

WEAK_SECRETS = {"", "secret", "changeme", "change-me", "django-insecure", "strides", "dev"}
MIN_SECRET_LENGTH = 40


class InsecureSettings(RuntimeError):
    """Raised at start-up when debug is off and a setting would be unsafe."""


def insecure_setting_problems(
    *, secret_key: str, allowed_hosts: list[str], database_url: str
) -> list[str]:
    problems: list[str] = []
    if (
        secret_key.lower() in WEAK_SECRETS
        or secret_key.startswith("django-insecure")
        or len(secret_key) < MIN_SECRET_LENGTH
        or len(set(secret_key)) < 10
    ):
        problems.append(
            "STRIDES_SECRET_KEY is weak or a default. Unset it to have Strides generate one "
            "in its var folder, or set it to a random string of at least 40 characters "
            '(python3 -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    if not allowed_hosts or any(host.strip() in {"*", ".*"} for host in allowed_hosts):
        problems.append(
            "STRIDES_ALLOWED_HOSTS must list the host names Strides is served under "
            "(comma-separated, e.g. strides.example.org), not '*' or nothing."
        )
    parsed = urlparse(database_url)
    if parsed.scheme.startswith("postgres") and not parsed.password:
        problems.append(
            "STRIDES_DATABASE_URL has an empty database password; use "
            "postgres://USER:PASSWORD@HOST:5432/NAME."
        )
    return problems


def refuse_insecure_settings(
    *, secret_key: str, allowed_hosts: list[str], database_url: str
) -> None:
    problems = insecure_setting_problems(
        secret_key=secret_key, allowed_hosts=allowed_hosts, database_url=database_url
    )
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise InsecureSettings(
            "Strides refuses to start with debug off and insecure settings:\n"
            f"{lines}\n(For a local trial only, STRIDES_DEBUG=1 lifts this check.)"
        )


# Settings naming a key file kept outside the database. Each such file must be readable
# by its owner only; add the setting of a new key file here.
KEY_FILE_SETTINGS = [
    "SECRET_KEY_FILE",
    "STRIDES_ENCRYPTION_KEY_FILE",
    "STRIDES_AUDIT_KEY_FILE",
    "STRIDES_AUDIT_CHECKPOINT_FILE",
]


def private_files() -> list[Path]:
    """The files of this installation that only their owner may read."""
    paths = [Path(getattr(settings, name)) for name in KEY_FILE_SETTINGS]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = str(database["NAME"])
        paths += [Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")]
    return paths


def open_file_problems(paths: Iterable[Path]) -> list[str]:
    """One line per existing file that group or others may read or write, with the fix."""
    problems = []
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            problems.append(
                f"{path} has mode {mode:04o}, so other accounts on this machine can read it; "
                f"Strides refuses to run until only its owner can. Fix with: chmod 600 {path}"
            )
    return problems


def check_private_files(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(problem, id="strides.E001") for problem in open_file_problems(private_files())
    ]
