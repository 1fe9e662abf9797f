"""The application's key ring for encrypted free text (notes, goals).

Keys come from `STRIDES_ENCRYPTION_KEYS` (comma-separated, newest first) or from the key
file `STRIDES_ENCRYPTION_KEY_FILE` (default `encryption.keys` in the var folder, made with
one fresh key at mode 0600 on first use when no keys are configured, unless the database
already holds encrypted values: then the key file is missing, not new, and Strides
refuses). They are never stored in the database. Rotation: `strides encryption rotate`
(see the README).

The key file is read again whenever it was replaced (a rotation step run by `strides
encryption` in another process), so running app servers and workers encrypt with a new
key and read values re-encrypted with it without a restart (docs/operations.md).
"""

import fcntl
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection

from strides.env import create_private_directory
from strides.lib.encryption import KeyConfigurationError, KeyRing, create_key_file, load_keys

ENV_NAME = "STRIDES_ENCRYPTION_KEYS"


def key_file_path() -> Path:
    return Path(settings.STRIDES_ENCRYPTION_KEY_FILE)


def key_ring() -> KeyRing:
    if settings.STRIDES_ENCRYPTION_KEYS:
        return _env_ring(settings.STRIDES_ENCRYPTION_KEYS)
    path = key_file_path()
    try:
        found = path.stat()
    except FileNotFoundError:
        _create_key_file(path)
        found = path.stat()
    # A rotation step replaces the file (a new inode): then the keys are read again.
    return _file_ring(str(path), found.st_ino, found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=4)
def _env_ring(value: str) -> KeyRing:
    return load_keys(env_value=value, key_file=None, env_name=ENV_NAME)


@lru_cache(maxsize=4)
def _file_ring(path: str, inode: int, mtime_ns: int, size: int) -> KeyRing:
    return load_keys(env_value=None, key_file=Path(path))


def _create_key_file(path: Path) -> None:
    create_private_directory(path.parent)
    # Several processes may start at once (gunicorn workers, test workers): one
    # creates the file while the others wait on the lock.
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            refuse_new_key_over_encrypted_values(path)
            create_key_file(path)


def refuse_new_key_over_encrypted_values(path: Path) -> None:
    """Raise unless the database holds no encrypted value a new key would fail to read.

    A missing key file next to encrypted rows means Strides was pointed at the wrong
    place (another var folder, a key file not restored): a fresh key would make every
    note unreadable, so Strides stops and says where it looked.
    """
    # The registry of encrypted fields imports the models, which import this module.
    from strides.encrypted_fields import encrypted_fields

    tables = set(connection.introspection.table_names())
    holding = [
        field.label
        for field in encrypted_fields()
        if field.model._meta.db_table in tables and field.rows().exists()
    ]
    if holding:
        raise KeyConfigurationError(
            f"the key file {path} does not exist, but the database already holds encrypted "
            f"values ({', '.join(holding)}); a new key could not read them, so Strides will "
            "not create one. Point STRIDES_ENCRYPTION_KEY_FILE at the key file that "
            "encrypted them (or STRIDES_VAR_DIR at the folder holding its encryption.keys), "
            f"or pass the keys in {ENV_NAME}."
        )


def reload_key_ring() -> KeyRing:
    """Forget the cached keys (after a rotation step) and load them again."""
    _env_ring.cache_clear()
    _file_ring.cache_clear()
    return key_ring()


def encrypt_text(text: str) -> str:
    return key_ring().encrypt(text)


def decrypt_text(token: str) -> str:
    return key_ring().decrypt(token)
