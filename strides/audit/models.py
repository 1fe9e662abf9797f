from typing import Any

from django.conf import settings
from django.db import models


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "allowed"
    DENIED = "denied", "denied"
    SUCCESS = "success", "success"
    FAILURE = "failure", "failure"


class AuditEvent(models.Model):
    """One thing that happened, appended and never changed.

    The *actor* is the account that acted (or tried to act); `actor_label` keeps its
    username even when no account matched, as with a failed login for an unknown name.
    The *client* is the subject: the client whose data was read or changed, if any.
    `object_type` and `object_id` name the exact record (an episode, an appointment).

    Rows form an HMAC chain (`strides.audit.chain`): `hash` covers this row's fields and
    the previous row's hash, signed with the audit key named by `key_id`, which lives
    outside the database. Editing, re-attributing or removing a row breaks the chain even
    when the hashes are recomputed, since that needs the key (`strides audit verify`).
    There is no update or delete path in the application.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=64, blank=True)
    detail = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["action", "actor_label", "at"]),
            # The lockout counts failed sign-ins per source address.
            models.Index(fields=["action", "source", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.outcome}"

    def chained_fields(self) -> dict[str, Any]:
        """What the row's hash covers (the arguments of `chain.event_mac`)."""
        return {
            "key_id": self.key_id,
            "prev_hash": self.prev_hash,
            "at": self.at,
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "outcome": self.outcome,
            "client_id": self.client_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "source": self.source,
            "detail": self.detail,
        }


class AuditChainHead(models.Model):
    """The single row that serialises appends and remembers the chain's end.

    Appends lock this row, so concurrent writers on several app servers take turns;
    `count` and `last_hash` let verification notice a removed last row, and `mac` signs
    them with the audit key `key_id`, so they cannot be rewritten to match.
    """

    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)
    key_id = models.CharField(max_length=16, blank=True)
    mac = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit chain head after {self.count} events"
