"""Walking the audit chain to find the first event that was edited or removed, and
recording a verified head as a checkpoint outside the database."""

import hmac
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from strides.audit.chain import GENESIS_HASH, event_mac, head_mac
from strides.audit.checkpoints import (
    Checkpoint,
    append_checkpoint,
    checkpoint_file,
    read_checkpoints,
)
from strides.audit.keys import AuditKeys, audit_keys
from strides.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: str | None
    bad_event_id: int | None
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


class ChainBroken(ValueError):
    """The chain does not verify, so its head is not recorded as a checkpoint."""


def _signed_by_key(keys: AuditKeys, event: AuditEvent) -> str | None:
    """Why the event's hash is not its HMAC under its key, or None if it is."""
    key = keys.by_id.get(event.key_id)
    if key is None:
        return (
            f"event {event.id}: signed with audit key {event.key_id or '(none)'}, which is "
            "not configured (put that key back into the audit key file)."
        )
    if not hmac.compare_digest(event_mac(key, **event.chained_fields()), event.hash):
        return (
            f"event {event.id}: its contents were changed after it was written (its actor, "
            "action or another field, or its hash recomputed without the audit key)."
        )
    return None


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Check every event's link and HMAC, the signed head, and every checkpoint."""
    keys = audit_keys()
    checkpoints = read_checkpoints(checkpoint_file())
    expected = {checkpoint.last_id: checkpoint for checkpoint in checkpoints}
    expected_prev = GENESIS_HASH
    checked = 0
    previous_id: int | None = None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            after = f"event {previous_id}" if previous_id else "the start of the chain"
            return ChainReport(
                checked,
                f"event {event.id}: its link to {after} is broken "
                "(an event between them was removed, or the previous event was changed).",
                event.id,
            )
        if problem := _signed_by_key(keys, event):
            return ChainReport(checked, problem, event.id)
        expected_prev = event.hash
        previous_id = event.id
        checked += 1
        checkpoint = expected.pop(event.id, None)
        if checkpoint and (checkpoint.hash, checkpoint.count) != (event.hash, checked):
            return ChainReport(
                checked,
                f"event {event.id}: the checkpoint of {checkpoint.at} recorded it as event "
                f"number {checkpoint.count} with hash {checkpoint.hash[:12]}…, but it is "
                f"number {checked} with hash {event.hash[:12]}… (the chain was rewritten).",
                event.id,
            )
    for last_id, checkpoint in sorted(expected.items()):
        if last_id == 0:  # a checkpoint of the empty chain
            continue
        recorded = (
            f"the checkpoint of {checkpoint.at} recorded {checkpoint.count} events up to "
            f"event {last_id}"
        )
        if previous_id is None or last_id > previous_id:
            removed = f"the events after event {previous_id}" if previous_id else "every event"
            return ChainReport(
                checked,
                f"{recorded}, but the chain ends "
                f"{f'at event {previous_id}' if previous_id else 'empty'}: {removed}, up to "
                f"event {last_id} at least, were removed.",
                last_id,
            )
        return ChainReport(checked, f"{recorded}, but event {last_id} is missing.", last_id)
    if problem := _head_problem(keys, checked, expected_prev, previous_id):
        return ChainReport(checked, problem, previous_id)
    return ChainReport(checked, None, None, checkpoints=len(checkpoints))


def _head_problem(
    keys: AuditKeys, checked: int, last_hash: str, previous_id: int | None
) -> str | None:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return "the chain head is missing." if checked else None
    key = keys.by_id.get(head.key_id)
    signed = key is not None and hmac.compare_digest(
        head_mac(key, key_id=head.key_id, count=head.count, last_hash=head.last_hash), head.mac
    )
    if not signed:
        return (
            "the chain head was changed by someone without the audit key "
            f"(it claims {head.count} events; {checked} remain)."
        )
    if head.last_hash != last_hash or head.count != checked:
        return (
            f"the chain should hold {head.count} events but {checked} remain; "
            f"events after event {previous_id} were removed."
        )
    return None


def chain_checkpoint() -> Checkpoint:
    """Verify the chain, then append its head to the checkpoint file.

    Events appended while the chain is verified are not covered by this check but are by
    the next `verify`.
    """
    report = verify_chain()
    if not report.ok:
        raise ChainBroken(
            f"Audit chain BROKEN after {report.checked} good events: {report.problem}"
        )
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        checkpoint = Checkpoint(
            at=timezone.now().isoformat(timespec="seconds"),
            count=head.count if head else 0,
            last_id=last or 0,
            hash=head.last_hash if head else GENESIS_HASH,
        )
    append_checkpoint(checkpoint_file(), checkpoint)
    return checkpoint
