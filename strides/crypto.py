"""The application's key ring for encrypted free text (notes, goals).

Keys come from `STRIDES_ENCRYPTION_KEYS` (comma-separated, newest first) or from the key
file `STRIDES_ENCRYPTION_KEY_FILE` (default `var/encryption.keys`, created with one fresh
key at mode 0600 on first use when no keys are configured). They are never stored in the
database. Rotation: `strides encryption rotate` (see the README).
"""

import fcntl
from functools import cache
from pathlib import Path

from django.conf import settings

from strides.lib.encryption import KeyRing, create_key_file, load_keys

ENV_NAME = "STRIDES_ENCRYPTION_KEYS"


def key_file_path() -> Path:
    return Path(settings.STRIDES_ENCRYPTION_KEY_FILE)


@cache
def key_ring() -> KeyRing:
    if settings.STRIDES_ENCRYPTION_KEYS:
        return load_keys(env_value=settings.STRIDES_ENCRYPTION_KEYS, key_file=None,
                         env_name=ENV_NAME)
    path = key_file_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Several processes may start at once (gunicorn workers, test workers): one
        # creates the file while the others wait on the lock.
        with open(path.with_name(path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                create_key_file(path)
    return load_keys(env_value=None, key_file=path)


def reload_key_ring() -> KeyRing:
    """Forget the cached keys (after a rotation step) and load them again."""
    key_ring.cache_clear()
    return key_ring()


def encrypt_text(text: str) -> str:
    return key_ring().encrypt(text)


def decrypt_text(token: str) -> str:
    return key_ring().decrypt(token)
