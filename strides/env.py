"""Small typed readers for the environment variables that configure Strides.

Every setting that changes between installations is read here, once, with a type and
a default, so that settings.py stays a plain list of assignments.
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}={raw!r} is not a yes/no value; use 1 or 0.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number.") from None


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of `choices`; an unset or empty variable gives `default`."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip()
    if value not in choices:
        raise ValueError(f"{name}={raw!r} is not allowed; use one of: {', '.join(choices)}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def default_var_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where Strides keeps its data unless `STRIDES_VAR_DIR` says otherwise.

    One fixed place per user, whatever the working directory: `$XDG_DATA_HOME/strides`,
    or `~/.local/share/strides` when XDG_DATA_HOME is unset or not an absolute path (the
    XDG Base Directory rule).
    """
    xdg = environ.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "strides"
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / ".local" / "share" / "strides"


def create_private_directory(path: Path) -> None:
    """Create `path` (and missing parents) with the folder itself at mode 0700.

    An existing folder is left as it is.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        return
    os.chmod(path, 0o700)  # exactly 0700, whatever the umask


def create_private_file(path: Path) -> None:
    """Create `path` empty at mode 0600 unless it exists (an existing file is kept).

    An SQLite database created this way keeps 0600, and SQLite gives its `-wal` and
    `-shm` files the database file's mode.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def read_or_create_secret_key(path: Path) -> str:
    """Return the key kept in `path`, creating a strong random one on first run."""
    if path.exists():
        return path.read_text().strip()
    create_private_directory(path.parent)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
