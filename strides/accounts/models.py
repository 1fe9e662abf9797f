from django.contrib.auth.models import AbstractUser
from django.db import models
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
        related_name="supervisors",
        help_text=_("Therapists whose caseloads this supervisor may read."),
    )

    def display(self) -> str:
        return self.get_full_name() or self.username
