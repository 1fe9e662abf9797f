"""Walking the audit chain to find the first row that was edited or removed."""

from dataclasses import dataclass

from strides.audit.chain import GENESIS_HASH, event_hash
from strides.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: str | None
    bad_event_id: int | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
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
        recomputed = event_hash(
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
        if recomputed != event.hash:
            return ChainReport(
                checked,
                f"event {event.id}: its contents were changed after it was written.",
                event.id,
            )
        expected_prev = event.hash
        previous_id = event.id
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_hash, head_count = (head.last_hash, head.count) if head else (GENESIS_HASH, 0)
    if head_hash != expected_prev or head_count != checked:
        return ChainReport(
            checked,
            f"the chain should hold {head_count} events but {checked} remain; "
            f"events after event {previous_id} were removed.",
            previous_id,
        )
    return ChainReport(checked, None, None)
