"""Appending audit events: the only write path for the audit trail."""

import json
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from strides.audit.chain import GENESIS_HASH, event_mac, head_mac
from strides.audit.keys import audit_keys as signing_keys
from strides.audit.models import AuditChainHead, AuditEvent, Outcome
from strides.audit.source import current_source

if TYPE_CHECKING:
    from strides.accounts.models import User
    from strides.clients.models import Client


def audit_record(
    *,
    actor: "User | None",
    action: str,
    outcome: str = Outcome.ALLOWED,
    client: "Client | None" = None,
    obj: models.Model | None = None,
    actor_label: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction if there is one.

    `detail` holds ids and codes only, never clinical content: admins read it without
    break-glass.
    """
    keys = signing_keys()
    label = (
        actor_label if actor_label is not None else (actor.get_username() if actor else "system")
    )
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=label[:150],
            action=action,
            outcome=outcome,
            client=client,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            source=current_source.get()[:64],
            detail=json.dumps(detail, sort_keys=True, default=str) if detail else "",
            prev_hash=head.last_hash,
            key_id=keys.current_id,
        )
        event.hash = event_mac(keys.current, **event.chained_fields())
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.count += 1
        head.key_id = keys.current_id
        head.mac = head_mac(
            keys.current, key_id=head.key_id, count=head.count, last_hash=head.last_hash
        )
        head.save(update_fields=["last_hash", "count", "key_id", "mac"])
    return event
