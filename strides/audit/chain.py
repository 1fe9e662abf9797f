"""Hash-chain arithmetic for audit events: what a row's hash covers."""

import hashlib
import json
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64


def event_hash(
    *,
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    outcome: str,
    client_id: int | None,
    object_type: str,
    object_id: str,
    source: str,
    detail: str,
) -> str:
    canonical = json.dumps(
        [
            prev_hash,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_label,
            action,
            outcome,
            client_id,
            object_type,
            object_id,
            source,
            detail,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
