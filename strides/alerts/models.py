from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from strides.crypto import decrypt_text


class AlertKind(models.TextChoices):
    RISK = "risk", _("Risk item endorsed")
    RISK_UNANSWERED = "risk_unanswered", _("Risk item not answered")
    RELIABLE_DETERIORATION = "reliable_deterioration", _("Reliable deterioration")
    NOT_ON_TRACK = "not_on_track", _("Not on track")
    ALLIANCE = "alliance", _("Alliance")
    MISSED_MEASURES = "missed_measures", _("Measures missed")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed by itself")


class AlertAction(models.TextChoices):
    DISCUSSED = "discussed_with_client", _("Discussed with client")
    CHANGED_PLAN = "changed_plan", _("Changed the plan")
    SAFETY_PLAN = "safety_plan", _("Safety plan")
    REFERRED = "referred", _("Referred")
    OTHER = "other", _("Other")


class Alert(models.Model):
    """Something to act on, raised once per episode (`key` is unique within it).

    An episode has at most one open alert per kind and measure: a newer detection
    updates the open alert (`evidence`, `summary`, `latest_on`, and its key joins
    `merged_keys`) instead of stacking a new one. `occurred_on` is when it was first
    raised. Self-closing kinds close by themselves (`closed_on`, `closed_at`,
    `close_reason` from the engine, with the numbers) when their condition no longer
    holds; risk alerts are `immediate`, never close by themselves and can never be
    snoozed.
    The note on what was done is free text, stored only encrypted: read it through
    `action_note`.
    """

    episode = models.ForeignKey("clients.Episode", on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=32, choices=AlertKind.choices, db_index=True)
    key = models.CharField(max_length=120)
    instrument = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    occurred_on = models.DateField()
    latest_on = models.DateField()
    merged_keys = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=dict)
    summary = models.TextField()
    immediate = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN, db_index=True
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(max_length=24, choices=AlertAction.choices, blank=True)
    action_note_encrypted = models.TextField(blank=True)
    snoozed_until = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-immediate", "-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "key"], name="alert_once"),
            models.UniqueConstraint(
                fields=["episode", "kind", "instrument"],
                condition=models.Q(status="open"),
                name="alert_one_open_per_measure",
            ),
        ]
        # Needs attention: the open alerts of the readable episodes, by index.
        indexes = [
            models.Index(
                fields=["episode"], condition=models.Q(status="open"), name="alert_open_by_episode"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert for episode {self.episode_id}"

    @property
    def action_note(self) -> str:
        return decrypt_text(self.action_note_encrypted) if self.action_note_encrypted else ""
