from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from strides.crypto import decrypt_text


class Client(models.Model):
    """A person in care. Identified in Strides by a display name or pseudonym."""

    display_name = models.CharField(_("display name or pseudonym"), max_length=120)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    milestones_enabled = models.BooleanField(
        _("notice and celebrate milestones"),
        default=True,
        help_text=_("Switch off for a client who would rather not have steps celebrated."),
    )
    celebrations_opt_in = models.BooleanField(
        _("client agreed to receive celebration messages"),
        default=False,
        help_text=_("Short messages about their milestones, delivered through the portal."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "id"]

    def __str__(self) -> str:
        return self.display_name


class EndReason(models.TextChoices):
    PLANNED = "planned", _("Planned ending")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    REFERRED_ON = "referred_on", _("Referred on")
    OTHER = "other", _("Other")


class AnxietyMeasure(models.TextChoices):
    """The anxiety measure paired with PHQ-9 for the episode (CLINICAL.md §5)."""

    GAD7 = "gad7", _("GAD-7 (generalised anxiety)")
    SPIN = "spin", _("SPIN (social anxiety)")
    PCL5 = "pcl5", _("PCL-5 (PTSD)")
    IESR = "iesr", _("IES-R (PTSD)")
    MI = "mi", _("Mobility Inventory (agoraphobia)")
    OCI = "oci", _("OCI (OCD)")
    PDSS = "pdss", _("PDSS (panic)")
    HAI = "hai", _("HAI (health anxiety)")


class Episode(models.Model):
    """One course of care: a client with one treating therapist, from start to end.

    The presenting problem is free text, stored only encrypted: read it through
    `presenting_problem`.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="episodes")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="episodes"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=16, choices=EndReason.choices, blank=True
    )
    presenting_problem_encrypted = models.TextField(blank=True)
    anxiety_measure = models.CharField(
        _("anxiety measure paired with PHQ-9"),
        max_length=8,
        choices=AnxietyMeasure.choices,
        default=AnxietyMeasure.GAD7,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["therapist", "end"])]

    def __str__(self) -> str:
        return f"{self.client} from {self.start}"

    @property
    def is_active(self) -> bool:
        return self.end is None

    @property
    def presenting_problem(self) -> str:
        token = self.presenting_problem_encrypted
        return decrypt_text(token) if token else ""


class AppointmentKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    TREATMENT = "treatment", _("Treatment")


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled")
    DID_NOT_ATTEND = "did_not_attend", _("Did not attend")


class Appointment(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="appointments")
    at = models.DateTimeField(_("date and time"))
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=AppointmentKind.choices,
        default=AppointmentKind.TREATMENT,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.SCHEDULED,
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class BreakGlassGrant(models.Model):
    """An admin's time-limited, reasoned access to one client's clinical record.

    The reason is free text, stored only encrypted: read it through `reason`.
    """

    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason_encrypted = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.admin} opened {self.client} until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def reason(self) -> str:
        return decrypt_text(self.reason_encrypted)


class EpisodeTransfer(models.Model):
    """An open episode handed from one therapist to another by an admin (when someone
    leaves, changes role or is away for long); shown on the client's page."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="transfers")
    from_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"episode {self.episode_id}: {self.from_therapist} to {self.to_therapist}"
