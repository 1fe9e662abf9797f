from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from strides.crypto import decrypt_text

# Common practice: at most three goals in work at once (CLINICAL.md section 6).
MAX_ACTIVE_GOALS = 3
MAX_GOAL_LENGTH = 500
MAX_GAS_WEIGHT = 10


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    CHANGED = "changed", _("Changed")
    DROPPED = "dropped", _("Dropped")


class RatingSource(models.TextChoices):
    IN_SESSION = "in_session", _("In session")
    PORTAL = "portal", _("Client portal")


class GasLevel(models.IntegerChoices):
    """Goal Attainment Scaling levels (Kiresuk & Sherman 1968); 0 is the expected outcome."""

    MUCH_LESS = -2, _("\u22122 much less than expected")
    LESS = -1, _("\u22121 less than expected")
    EXPECTED = 0, _("0 expected outcome")
    MORE = 1, _("+1 more than expected")
    MUCH_MORE = 2, _("+2 much more than expected")


class Goal(models.Model):
    """A goal of one episode in the client's own words.

    The words are free text, so they are stored only encrypted (`strides.crypto`); read
    them through `text`. `version` counts edits of the goal's wording and weight: an edit
    made from an older version is refused (optimistic locking). Status changes are kept
    as `GoalStatusChange` rows, and `gas_weight` weighs the goal in the GAS T-score.
    """

    episode = models.ForeignKey("clients.Episode", on_delete=models.PROTECT, related_name="goals")
    text_encrypted = models.TextField()
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    gas_weight = models.PositiveSmallIntegerField(
        _("GAS weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_GAS_WEIGHT)],
    )
    submission_key = models.UUIDField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["episode", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "created_by", "submission_key"], name="goal_submitted_once"
            )
        ]

    def __str__(self) -> str:
        return f"goal {self.pk} ({self.status})"

    @property
    def text(self) -> str:
        return decrypt_text(self.text_encrypted)


class GoalRating(models.Model):
    """One 0-10 rating of a goal, in steps of 0.5 (stored as a decimal with one place),
    with an optional GAS level. `rated_by` is the staff member who recorded it; it is
    empty for a client's own rating from the portal."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="ratings")
    rating = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    rated_on = models.DateField(_("date"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(
        max_length=12, choices=RatingSource.choices, default=RatingSource.IN_SESSION
    )
    gas_level = models.SmallIntegerField(null=True, blank=True, choices=GasLevel.choices)
    submission_key = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rated_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "rated_by", "submission_key"], name="goal_rating_submitted_once"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=0, rating__lte=10), name="goal_rating_0_to_10"
            ),
            models.CheckConstraint(
                condition=models.Q(gas_level__isnull=True)
                | models.Q(gas_level__gte=-2, gas_level__lte=2),
                name="goal_rating_gas_level",
            ),
        ]

    def __str__(self) -> str:
        return f"goal {self.goal_id} rated {self.rating} on {self.rated_on}"


class GoalStatusChange(models.Model):
    """One step of a goal's status history; `from_status` is empty for the goal's creation.
    The optional note is free text and stored only encrypted."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=GoalStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=GoalStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note_encrypted = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"goal {self.goal_id}: {self.from_status or '-'} -> {self.to_status}"

    @property
    def note(self) -> str:
        return decrypt_text(self.note_encrypted) if self.note_encrypted else ""
