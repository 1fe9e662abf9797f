"""The client portal: invitations (single-use links), schedules that create them, the
mail that carries them, kiosk codes, and each client's portal preferences.

A link's token is never stored: only its SHA-256 hash (`tokens.py`). Mail bodies that
carry a link are stored encrypted until sent and wiped afterwards.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from strides.crypto import decrypt_text


class Purpose(models.TextChoices):
    ANSWER = "answer", _("Answer questionnaires")
    STORY = "story", _("See progress")


class Invitation(models.Model):
    """A request to one episode's client to complete a set of instruments (and
    optionally rate their goals), or, with purpose `story`, a link to their progress
    story. Single-use: `used_at` is set once, by a conditional update."""

    episode = models.ForeignKey(
        "clients.Episode", on_delete=models.PROTECT, related_name="invitations"
    )
    purpose = models.CharField(max_length=8, choices=Purpose.choices, default=Purpose.ANSWER)
    token_hash = models.CharField(max_length=64, unique=True)
    instruments = models.JSONField(default=list)
    include_goals = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    schedule = models.ForeignKey(
        "portal.Schedule", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurrence = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # The submitting portal session's own key, set with used_at: that session's submit
    # sent again (its answer lost to a crash or a dropped connection) is thanked again.
    submission_key = models.CharField(max_length=43, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker when it expired unanswered (and counted as a missed measure).
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "occurrence"],
                condition=models.Q(schedule__isnull=False),
                name="invitation_once_per_occurrence",
            )
        ]
        indexes = [models.Index(fields=["episode", "used_at"])]

    def __str__(self) -> str:
        return f"invitation {self.pk} for episode {self.episode_id}"


class ClientPortal(models.Model):
    """A client's portal preferences: unsubscribed from mail, story shared with them."""

    client = models.OneToOneField("clients.Client", on_delete=models.PROTECT, related_name="portal")
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    story_enabled = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"portal preferences of client {self.client_id}"


class ScheduleKind(models.TextChoices):
    BEFORE_APPOINTMENT = "before_appointment", _("Before every appointment")
    EVERY_N_WEEKS = "every_n_weeks", _("Every few weeks")
    DATES = "dates", _("On chosen dates")


class Schedule(models.Model):
    """When an episode's invitations are created. Stops when the episode ends."""

    episode = models.ForeignKey(
        "clients.Episode", on_delete=models.PROTECT, related_name="portal_schedules"
    )
    kind = models.CharField(max_length=20, choices=ScheduleKind.choices)
    every_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    dates = models.JSONField(default=list, help_text="ISO dates for kind `dates`")
    starts_on = models.DateField()
    instruments = models.JSONField(default=list)
    include_goals = models.BooleanField(default=False)
    reminder_days = models.PositiveSmallIntegerField(default=2)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} schedule of episode {self.episode_id}"


class TokenAttempt(models.Model):
    """One attempt to open a link or a kiosk code, kept for the per-address rate limit."""

    address = models.CharField(max_length=64)
    at = models.DateTimeField()
    succeeded = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["address", "at"])]

    def __str__(self) -> str:
        return f"attempt from {self.address} at {self.at:%Y-%m-%d %H:%M}"


class KioskCode(models.Model):
    """A short one-time code a therapist shows in the waiting room; it opens one
    invitation on the clinic's tablet. Only its hash is stored."""

    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="kiosk")
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"kiosk code for invitation {self.invitation_id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class EmailKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")
    ALERT = "alert", _("Alert notice")
    CELEBRATION = "celebration", _("Celebration message")
    STORY = "story", _("Progress story link")
    # A therapist's own check-in reminder: private to them, so admins' mail pages skip it.
    WELLBEING = "wellbeing", _("Wellbeing check-in reminder")


class EmailDelivery(models.Model):
    """One mail to send. The body (which may carry a link) is stored encrypted and wiped
    once sent; attempts and the last error stay for admins."""

    kind = models.CharField(max_length=12, choices=EmailKind.choices)
    to_address = models.EmailField()
    subject = models.CharField(max_length=200)
    body_encrypted = models.TextField(blank=True)
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    # When a worker took it for sending: a claim older than STRIDES_TASK_LEASE_SECONDS
    # belongs to a worker that died, and the mail may be taken again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} mail {self.pk} ({self.status})"

    @property
    def body(self) -> str:
        return decrypt_text(self.body_encrypted) if self.body_encrypted else ""
