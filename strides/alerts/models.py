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


class AlertAction(models.TextChoices):
    DISCUSSED = "discussed_with_client", _("Discussed with client")
    CHANGED_PLAN = "changed_plan", _("Changed the plan")
    SAFETY_PLAN = "safety_plan", _("Safety plan")
    REFERRED = "referred", _("Referred")
    OTHER = "other", _("Other")


class Alert(models.Model):
    """Something to act on, raised once per episode (`key` is unique within it).

    Evidence and summary are what the progress engine said when it raised the alert.
    Risk alerts are `immediate` and can never be snoozed. The note on what was done is
    free text, stored only encrypted: read it through `action_note`.
    """

    episode = models.ForeignKey("clients.Episode", on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=32, choices=AlertKind.choices, db_index=True)
    key = models.CharField(max_length=120)
    instrument = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    occurred_on = models.DateField()
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

    class Meta:
        ordering = ["-immediate", "-occurred_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["episode", "key"], name="alert_once")]

    def __str__(self) -> str:
        return f"{self.kind} alert for episode {self.episode_id}"

    @property
    def action_note(self) -> str:
        return decrypt_text(self.action_note_encrypted) if self.action_note_encrypted else ""
