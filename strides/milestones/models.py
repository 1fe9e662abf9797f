from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from strides.crypto import decrypt_text


class MilestoneKind(models.TextChoices):
    FIRST_MEASURE = "first_measure", _("Baseline set")
    FIRST_RELIABLE_IMPROVEMENT = "first_reliable_improvement", _("First reliable improvement")
    BELOW_CUTOFF = "below_cutoff", _("Below the clinical cut-off")
    RELIABLE_RECOVERY = "reliable_recovery", _("Reliable recovery")
    GOAL_HIGH = "goal_high", _("Goal rated 8 or more")
    GOAL_IMPROVED = "goal_improved", _("Goal reliably improved")
    ATTENDANCE = "attendance", _("Attendance")
    ENDING_WELL = "ending_well", _("Ending well")
    MANUAL = "manual", _("Noted by the therapist")


class Milestone(models.Model):
    """A step to celebrate, stored once per episode (`key` is unique within it), with the
    evidence that triggered it. `manual` milestones are recorded by the therapist, so their
    summary is free text: every summary is stored only encrypted (read and assign it
    through `summary`)."""

    episode = models.ForeignKey(
        "clients.Episode", on_delete=models.PROTECT, related_name="milestones"
    )
    kind = models.CharField(max_length=32, choices=MilestoneKind.choices, db_index=True)
    key = models.CharField(max_length=120)
    instrument = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    occurred_on = models.DateField()
    evidence = models.JSONField(default=dict)
    summary_encrypted = models.TextField()
    manual = models.BooleanField(default=False)
    detected_at = models.DateTimeField(auto_now_add=True)
    celebrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    celebrated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["episode", "key"], name="milestone_once")]
        # Wins this week: each readable episode's recent milestones by index, not a scan
        # of the whole network's milestones (issue 15's benchmark).
        indexes = [models.Index(fields=["episode", "occurred_on"], name="milestone_episode_day")]

    def __str__(self) -> str:
        return f"{self.kind} milestone of episode {self.episode_id}"

    @property
    def summary(self) -> str:
        return decrypt_text(self.summary_encrypted)


class CelebrationMessage(models.Model):
    """A short message to the client about their milestone, queued by the therapist for
    the client portal to deliver (only for clients who opted in). The text is the
    therapist's free text, so it is stored encrypted."""

    milestone = models.OneToOneField(
        Milestone, on_delete=models.PROTECT, related_name="celebration_message"
    )
    text_encrypted = models.TextField()
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    queued_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"celebration message for milestone {self.milestone_id}"

    @property
    def text(self) -> str:
        return decrypt_text(self.text_encrypted)
