from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from strides.crypto import decrypt_text


class Mode(models.TextChoices):
    IN_SESSION = "in_session", _("In session")
    PORTAL = "portal", _("Client portal")
    PAPER = "paper", _("Paper form entered")


class Assessment(models.Model):
    """One completed instrument for a client at a time: the answers and their score.

    The score fields are exactly what `strides.instruments.score()` returned for the
    answers, stored so no page re-scores history. A correction never edits a row: it
    adds a new row that `replaces` the old one, and the old one stops being current. The
    correction's reason is free text, stored only encrypted: read it through
    `amendment_reason`.
    """

    episode = models.ForeignKey(
        "clients.Episode", on_delete=models.PROTECT, related_name="assessments"
    )
    appointment = models.ForeignKey(
        "clients.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    instrument_code = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=40)
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.IN_SESSION)
    taken_on = models.DateField(_("date"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(help_text="item number (as text) -> recorded value or null")
    total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    subscales = models.JSONField(default=dict)
    subscale_bands = models.JSONField(default=dict)
    percentage = models.FloatField(null=True, blank=True)
    flags = models.JSONField(default=list)
    has_risk = models.BooleanField(default=False)
    risk_items = models.JSONField(default=list, help_text="risk items answered above 0")
    is_current = models.BooleanField(default=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    first_version = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the original entry of a chain of corrections (None for an original)",
    )
    amendment_reason_encrypted = models.TextField(blank=True)
    submission_key = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "id"]
        indexes = [
            models.Index(fields=["episode", "instrument_code", "is_current", "taken_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "entered_by", "submission_key"],
                name="assessment_submitted_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.taken_on} total={self.total}"

    @property
    def amendment_reason(self) -> str:
        token = self.amendment_reason_encrypted
        return decrypt_text(token) if token else ""
