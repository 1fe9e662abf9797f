from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    SUPERVISOR = "supervisor", _("Supervisor")
    THERAPIST = "therapist", _("Therapist")


class User(AbstractUser):
    """A staff account. Clients never log in with one (they use invitation links)."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.THERAPIST)
    supervisees = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        through="Supervision",
        through_fields=("supervisor", "supervisee"),
        related_name="supervisors",
        help_text=_("Therapists whose caseloads this supervisor may read."),
    )

    def display(self) -> str:
        return self.get_full_name() or self.username


class Supervision(models.Model):
    """A supervisor reads what one therapist reads, read-only, since `since` (shown to
    the therapist on their account page)."""

    supervisor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    supervisee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["since", "id"]
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "supervisee"], name="supervision_once")
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} supervises {self.supervisee}"
