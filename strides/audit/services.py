"""Appending audit events: the only write path for the audit trail."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


_batch: ContextVar[list[AuditEvent] | None] = ContextVar("audit_batch", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Append the events recorded inside the block to the chain together when it ends,
    inside the caller's transaction: the chain's head is locked once, at the end, and not
    from the first event until the commit (which made every concurrent writer wait for
    the whole of the first one's work). Nothing is written if the block raises (the
    caller's transaction rolls back with it). A nested batch joins the outer one."""
    if _batch.get() is not None:
        yield
        return
    pending: list[AuditEvent] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if pending:
        _append(pending)


def _append(events: list[AuditEvent]) -> None:
    keys = signing_keys()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        for event in events:
            event.prev_hash = head.last_hash
            event.key_id = keys.current_id
            event.hash = event_mac(keys.current, **event.chained_fields())
            head.last_hash = event.hash
        AuditEvent.objects.bulk_create(events)
        head.count += len(events)
        head.key_id = keys.current_id
        head.mac = head_mac(
            keys.current, key_id=head.key_id, count=head.count, last_hash=head.last_hash
        )
        head.save(update_fields=["last_hash", "count", "key_id", "mac"])


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
    """Append one event to the chain, inside the caller's transaction if there is one
    (or with the others of an `audit_batch`, when the batch ends).

    `detail` holds ids and codes only, never clinical content: admins read it without
    break-glass.
    """
    label = (
        actor_label if actor_label is not None else (actor.get_username() if actor else "system")
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
    )
    pending = _batch.get()
    if pending is not None:
        pending.append(event)
    else:
        _append([event])
    return event
