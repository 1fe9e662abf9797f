"""The therapist's own side: moments they keep, ProQOL check-ins, the check-in schedule.

Private to the therapist: no other account reads any of it by any path (the views and
selectors take the signed-in therapist only, never an id of another user). Free text
and answers are stored only encrypted (`strides.crypto`, listed in
`strides.encrypted_fields`).
"""

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from strides.crypto import decrypt_text


class Moment(models.Model):
    """A moment that mattered, in the therapist's words, optionally tied to a milestone."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text_encrypted = models.TextField()
    milestone = models.ForeignKey(
        "milestones.Milestone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["therapist", "written_on"])]

    def __str__(self) -> str:
        return f"moment {self.pk}"

    @property
    def text(self) -> str:
        return decrypt_text(self.text_encrypted)


class CheckIn(models.Model):
    """One ProQOL 5 check-in. Answers, subscale scores and bands are one encrypted JSON
    value: even the scores say how a therapist is doing, so none is stored in the clear."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    taken_on = models.DateField()
    result_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "id"]
        indexes = [models.Index(fields=["therapist", "taken_on"])]

    def __str__(self) -> str:
        return f"check-in {self.pk} on {self.taken_on}"

    @property
    def result(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(decrypt_text(self.result_encrypted))
        return value


class Cadence(models.IntegerChoices):
    OFF = 0, _("No reminders")
    FORTNIGHTLY = 14, _("Every two weeks")
    MONTHLY = 30, _("Every month")
    QUARTERLY = 91, _("Every three months")


class CheckInSchedule(models.Model):
    """How often the therapist wants to be reminded of a check-in (on their home page, and
    by email through the worker when they have an address)."""

    therapist = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    every_days = models.PositiveSmallIntegerField(choices=Cadence.choices, default=Cadence.OFF)
    # The due day the worker last emailed a reminder for (once per due day).
    reminded_for = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"check-in schedule of user {self.therapist_id}"
