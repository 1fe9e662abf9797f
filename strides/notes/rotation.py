"""Key rotation across every encrypted field (`strides.encrypted_fields`; the steps in
`strides.lib.encryption`).

1. `encryption_key_add`: a fresh key first in the key file; every running process reads
   the replaced file at its next encryption (`strides.crypto.key_ring`).
2. `encryption_rotate`: re-encrypt each stored value that the newest key did not encrypt.
3. `encryption_retire`: drop the older keys once no stored value needs them.

Each step is audited with key fingerprints only, never key material or text.
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import batched

from django.conf import settings
from django.db import transaction

from strides.audit.services import audit_record
from strides.crypto import ENV_NAME, key_file_path, reload_key_ring
from strides.encrypted_fields import EncryptedField, encrypted_fields
from strides.lib.encryption import (
    DecryptionError,
    KeyConfigurationError,
    KeyRing,
    add_key_to_file,
    retire_old_keys,
)

BATCH_SIZE = 500


class OldKeysStillNeeded(ValueError):
    """Some stored values are still encrypted with a key that would be retired."""


@dataclass(frozen=True)
class RotationResult:
    rotated: int
    checked: int
    fingerprint: str


def encrypted_value_count() -> int:
    """How many stored values `encryption_rotate` checks (for a progress bar)."""
    return sum(field.rows().count() for field in encrypted_fields())


def _keys_from_file() -> None:
    if settings.STRIDES_ENCRYPTION_KEYS:
        raise KeyConfigurationError(
            f"the keys come from {ENV_NAME}, which this command cannot change: edit that "
            "variable (newest key first) and restart every Strides process"
        )


def encryption_key_add(*, actor_label: str) -> str:
    """Put a fresh key first in the key file; return its fingerprint."""
    _keys_from_file()
    fingerprint = add_key_to_file(key_file_path())
    reload_key_ring()
    audit_record(
        actor=None,
        actor_label=actor_label,
        action="encryption.key_add",
        detail={"fingerprint": fingerprint},
    )
    return fingerprint


def _rotate_batch(ring: KeyRing, field: EncryptedField, pks: tuple[int, ...]) -> int:
    """Re-encrypt one batch under row locks, so a save in between is never overwritten."""
    manager = field.model._default_manager
    with transaction.atomic():
        changed = []
        for row in manager.select_for_update().filter(pk__in=pks).only("pk", field.name):
            token = getattr(row, field.name)
            if not token or not ring.needs_rotation(token):
                continue
            try:
                setattr(row, field.name, ring.rotate(token))
            except DecryptionError as error:
                raise DecryptionError(f"{field.label} of row {row.pk}: {error}") from None
            changed.append(row)
        manager.bulk_update(changed, [field.name])
    return len(changed)


def encryption_rotate(
    *, actor_label: str, advance: Callable[[int], object] = lambda n: None
) -> RotationResult:
    """Re-encrypt with the newest key every stored value another key encrypted.

    `advance(n)` is called as each batch of n values is done.
    """
    ring = reload_key_ring()
    rotated = checked = 0
    for field in encrypted_fields():
        pks = field.rows().values_list("pk", flat=True).iterator(chunk_size=BATCH_SIZE)
        for batch in batched(pks, BATCH_SIZE, strict=False):
            rotated += _rotate_batch(ring, field, batch)
            checked += len(batch)
            advance(len(batch))
    audit_record(
        actor=None,
        actor_label=actor_label,
        action="encryption.rotate",
        detail={"fingerprint": ring.fingerprint(), "rotated": rotated, "checked": checked},
    )
    return RotationResult(rotated=rotated, checked=checked, fingerprint=ring.fingerprint())


def values_needing_old_keys() -> int:
    """How many stored values the newest key did not encrypt."""
    ring = reload_key_ring()
    return sum(
        1
        for field in encrypted_fields()
        for token in field.rows().values_list(field.name, flat=True).iterator(BATCH_SIZE)
        if ring.needs_rotation(token)
    )


def encryption_retire(*, actor_label: str) -> list[str]:
    """Drop every key but the newest from the key file; return the dropped fingerprints.

    Refused while a stored value still needs an older key: it could not be read again.
    """
    if waiting := values_needing_old_keys():
        raise OldKeysStillNeeded(
            f"{waiting} stored value(s) still need an older key; run "
            "`strides encryption rotate` first"
        )
    _keys_from_file()
    retired = retire_old_keys(key_file_path())
    ring = reload_key_ring()
    audit_record(
        actor=None,
        actor_label=actor_label,
        action="encryption.retire",
        detail={"fingerprint": ring.fingerprint(), "retired": retired},
    )
    return retired
