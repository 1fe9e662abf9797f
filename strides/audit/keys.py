"""The audit chain's HMAC keys, held outside the database beside the encryption keys.

Keys come from `STRIDES_AUDIT_KEYS` (comma-separated, newest first) or from the key file
`STRIDES_AUDIT_KEY_FILE` (default `audit.keys` beside the encryption key file, created
with one fresh key at mode 0600 on first use). The newest key signs new events; each
event records its key's fingerprint, so events signed before `strides audit add-key`
still verify as long as the older key stays. Audit keys are never retired.
"""

import base64
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from strides.lib.encryption import (
    KeyConfigurationError,
    add_key_to_file,
    create_key_file_once,
    env_keys,
    key_file_keys,
    key_fingerprint,
)

ENV_NAME = "STRIDES_AUDIT_KEYS"
KEY_FILE_HEADER = (
    "# Strides audit keys: one a line, newest first. Keep this file at mode 0600, outside\n"
    "# the database, and back it up separately. Never remove a key: events signed with it\n"
    "# could no longer be verified.\n"
)


@dataclass(frozen=True)
class AuditKeys:
    """The configured audit keys by fingerprint; `current_id` names the one that signs."""

    current_id: str
    by_id: dict[str, bytes]

    @property
    def current(self) -> bytes:
        return self.by_id[self.current_id]


def key_file_path() -> Path:
    return Path(settings.STRIDES_AUDIT_KEY_FILE)


def _audit_keys(keys: list[str]) -> AuditKeys:
    by_id = {key_fingerprint(key): base64.urlsafe_b64decode(key) for key in keys}
    return AuditKeys(current_id=key_fingerprint(keys[0]), by_id=by_id)


@cache
def audit_keys() -> AuditKeys:
    if settings.STRIDES_AUDIT_KEYS:
        return _audit_keys(env_keys(settings.STRIDES_AUDIT_KEYS, env_name=ENV_NAME))
    path = key_file_path()
    create_key_file_once(path, header=KEY_FILE_HEADER)
    return _audit_keys(key_file_keys(path))


def reload_audit_keys() -> AuditKeys:
    """Forget the cached keys (after `audit_key_add`) and load them again."""
    audit_keys.cache_clear()
    return audit_keys()


def audit_key_add() -> str:
    """Put a fresh audit key first in the key file; return its fingerprint."""
    if settings.STRIDES_AUDIT_KEYS:
        raise KeyConfigurationError(
            f"the audit keys come from {ENV_NAME}, which this command cannot change: put a "
            "new key first in that variable, keep the old ones, and restart every process"
        )
    audit_keys()  # creates the file on first use
    fingerprint = add_key_to_file(key_file_path())
    reload_audit_keys()
    return fingerprint
