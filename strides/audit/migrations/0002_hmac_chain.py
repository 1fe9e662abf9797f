"""Sign the audit chain with an HMAC whose key lives outside the database.

Existing events were chained with plain SHA-256, which anyone with write access to the
database could recompute. This migration first checks that old chain (and stops, naming
the first bad event, if it is broken: re-signing it would hide tampering), then re-signs
every event and the head with the audit key (`strides.audit.keys`; the key file is
created beside the encryption keys if there is none). Going back recomputes the plain
hashes.
"""

import hashlib
import json
from datetime import UTC

from django.db import migrations, models

from strides.audit.chain import GENESIS_HASH, event_mac, head_mac
from strides.audit.keys import audit_keys

BATCH = 1000


def _fields(event):  # type: ignore[no-untyped-def]
    return [
        event.prev_hash,
        event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.actor_id,
        event.actor_label,
        event.action,
        event.outcome,
        event.client_id,
        event.object_type,
        event.object_id,
        event.source,
        event.detail,
    ]


def _plain_hash(event):  # type: ignore[no-untyped-def]
    """The hash of migration 0001's chain, frozen here."""
    canonical = json.dumps(_fields(event), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _rechain(apps, sign, check=None):  # type: ignore[no-untyped-def]
    event_model = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "AuditChainHead")
    prev = stored_prev = GENESIS_HASH
    count = 0
    batch = []
    for event in event_model.objects.order_by("id").iterator(chunk_size=BATCH):
        if check is not None:
            check(event, stored_prev)
        stored_prev = event.hash
        event.prev_hash = prev
        sign(event)
        prev = event.hash
        count += 1
        batch.append(event)
        if len(batch) == BATCH:
            event_model.objects.bulk_update(batch, ["prev_hash", "hash", "key_id"])
            batch = []
    event_model.objects.bulk_update(batch, ["prev_hash", "hash", "key_id"])
    return head_model, prev, count


def _check_plain(event, prev):  # type: ignore[no-untyped-def]
    if event.prev_hash != prev or _plain_hash(event) != event.hash:
        raise RuntimeError(
            f"The audit chain is broken at event {event.id}: it was changed, or an event "
            "before it was removed. Investigate (and restore from a backup) before "
            "upgrading; this migration will not re-sign a broken chain."
        )


def sign_with_key(apps, schema_editor):  # type: ignore[no-untyped-def]
    event_model = apps.get_model("audit", "AuditEvent")
    if not event_model.objects.exists():
        return
    keys = audit_keys()

    def sign(event):  # type: ignore[no-untyped-def]
        event.key_id = keys.current_id
        event.hash = event_mac(
            keys.current,
            key_id=event.key_id,
            prev_hash=event.prev_hash,
            at=event.at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            outcome=event.outcome,
            client_id=event.client_id,
            object_type=event.object_type,
            object_id=event.object_id,
            source=event.source,
            detail=event.detail,
        )

    head_model, last_hash, count = _rechain(apps, sign, check=_check_plain)
    mac = head_mac(keys.current, key_id=keys.current_id, count=count, last_hash=last_hash)
    head_model.objects.update_or_create(
        pk=1,
        defaults={"last_hash": last_hash, "count": count, "key_id": keys.current_id, "mac": mac},
    )


def plain_hashes(apps, schema_editor):  # type: ignore[no-untyped-def]
    def sign(event):  # type: ignore[no-untyped-def]
        event.key_id = ""
        event.hash = _plain_hash(event)

    head_model, last_hash, count = _rechain(apps, sign)
    if count:
        head_model.objects.update_or_create(
            pk=1, defaults={"last_hash": last_hash, "count": count}
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="key_id",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="mac",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(sign_with_key, plain_hashes),
    ]
