"""HMAC-chain arithmetic for audit events: what a row's hash covers, and with which key.

Each event's `hash` is an HMAC-SHA256, under the audit key named by `key_id`, of the
previous event's hash and every field of the event. Without the key nobody can compute a
valid hash, so a database writer who deletes, edits or re-attributes events and then
recomputes the hashes still breaks the chain. The head row is signed the same way.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64


def _mac(key: bytes, parts: list[object]) -> str:
    canonical = json.dumps(parts, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def event_mac(
    key: bytes,
    *,
    key_id: str,
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
    return _mac(
        key,
        [
            "event",
            key_id,
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
    )


def head_mac(key: bytes, *, key_id: str, count: int, last_hash: str) -> str:
    """Signs the chain's end, so removing the newest events cannot be hidden."""
    return _mac(key, ["head", key_id, count, last_hash])
