"""Goals and goal ratings: every change audited and followed by a progress refresh, so a
goal milestone exists exactly when the rating that earned it does."""

import uuid
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.accounts.permissions import require_write
from strides.audit.services import audit_record
from strides.clients import dates
from strides.clients.models import Episode
from strides.crypto import encrypt_text
from strides.goals.models import (
    MAX_ACTIVE_GOALS,
    MAX_GAS_WEIGHT,
    MAX_GOAL_LENGTH,
    Goal,
    GoalRating,
    GoalStatus,
    GoalStatusChange,
    RatingSource,
)
from strides.outcomes.services import progress_refresh
from strides.progress.goals import GAS_LEVELS, GOAL_RATING_MAX, GOAL_RATING_MIN
from strides.text_limits import check_length

RATING_STEP = Decimal("0.5")
MAX_STATUS_NOTE_LENGTH = 1000


class GoalConflict(ValidationError):
    """The goal was edited since the editor opened it. Nothing was saved; both texts are
    kept so the person can choose."""

    def __init__(self, *, stored_text: str, submitted_text: str, stored_version: int) -> None:
        super().__init__(
            _(
                "This goal was changed by someone else since you opened it, so your edit "
                "was not saved. Both texts are shown below."
            )
        )
        self.stored_text = stored_text
        self.submitted_text = submitted_text
        self.stored_version = stored_version


def _too_many() -> ValidationError:
    return ValidationError(
        _("An episode has at most three active goals; mark one achieved, changed or dropped first.")
    )


def _clean_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError(_("Write the goal in the client's own words."))
    check_length(cleaned, MAX_GOAL_LENGTH)
    return cleaned


def _check_weight(gas_weight: int) -> None:
    if not 1 <= gas_weight <= MAX_GAS_WEIGHT:
        raise ValidationError(
            _("A GAS weight is a whole number from 1 to %(max)s.") % {"max": MAX_GAS_WEIGHT}
        )


def _active_goals(episode: Episode) -> int:
    return Goal.objects.filter(episode=episode, status=GoalStatus.ACTIVE).count()


def _lock_episode(episode: Episode) -> None:
    """Serialise changes to one episode's goals, so two requests cannot both add a
    fourth active goal."""
    Episode.objects.select_for_update().filter(pk=episode.pk).first()


def goal_create(
    *,
    actor: User,
    episode: Episode,
    text: str,
    submission_key: uuid.UUID,
    gas_weight: int = 1,
) -> Goal:
    """Add an active goal in the client's words. The same submission key (from the same
    actor, in the same episode) adds it once."""
    require_write(actor=actor, episode=episode, action="goal.create")
    mine = Goal.objects.filter(episode=episode, created_by=actor, submission_key=submission_key)
    if (existing := mine.first()) is not None:
        return existing
    cleaned = _clean_text(text)
    _check_weight(gas_weight)
    if episode.end is not None:
        raise ValidationError(_("This episode has ended; add goals to a current episode."))
    try:
        with transaction.atomic():
            _lock_episode(episode)
            if _active_goals(episode) >= MAX_ACTIVE_GOALS:
                raise _too_many()
            goal = Goal.objects.create(
                episode=episode,
                text_encrypted=encrypt_text(cleaned),
                gas_weight=gas_weight,
                submission_key=submission_key,
                created_by=actor,
            )
            GoalStatusChange.objects.create(goal=goal, to_status=GoalStatus.ACTIVE, by=actor)
            audit_record(actor=actor, action="goal.create", client=episode.client, obj=goal)
            progress_refresh(actor=actor, episode=episode)
    except IntegrityError:
        # A concurrent double submit won the race: return what it stored.
        if (existing := mine.first()) is not None:
            return existing
        raise
    return goal


def goal_edit(
    *, actor: User, goal: Goal, text: str, expected_version: int, gas_weight: int
) -> Goal:
    """Change a goal's wording and weight, only from the version the editor saw."""
    episode = goal.episode
    require_write(actor=actor, episode=episode, action="goal.edit")
    cleaned = _clean_text(text)
    _check_weight(gas_weight)
    with transaction.atomic():
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        if locked.version != expected_version:
            raise GoalConflict(
                stored_text=locked.text, submitted_text=cleaned, stored_version=locked.version
            )
        locked.text_encrypted = encrypt_text(cleaned)
        locked.gas_weight = gas_weight
        locked.version += 1
        locked.save(update_fields=["text_encrypted", "gas_weight", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="goal.edit",
            client=episode.client,
            obj=locked,
            detail={"version": locked.version, "gas_weight": gas_weight},
        )
        progress_refresh(actor=actor, episode=episode)
    return locked


def goal_set_status(*, actor: User, goal: Goal, status: str, note: str = "") -> Goal:
    """Mark a goal achieved, changed or dropped, or active again; the step is kept."""
    episode = goal.episode
    require_write(actor=actor, episode=episode, action="goal.status")
    if status not in GoalStatus.values:
        raise ValidationError(_("Choose a status for the goal."))
    with transaction.atomic():
        _lock_episode(episode)
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        if locked.status == status:
            raise ValidationError(
                _("The goal is already %(status)s.") % {"status": GoalStatus(status).label.lower()}
            )
        if status == GoalStatus.ACTIVE and _active_goals(episode) >= MAX_ACTIVE_GOALS:
            raise _too_many()
        cleaned_note = note.strip()
        check_length(cleaned_note, MAX_STATUS_NOTE_LENGTH)
        GoalStatusChange.objects.create(
            goal=locked,
            from_status=locked.status,
            to_status=status,
            by=actor,
            note_encrypted=encrypt_text(cleaned_note) if cleaned_note else "",
        )
        audit_record(
            actor=actor,
            action="goal.status",
            client=episode.client,
            obj=locked,
            detail={"from": locked.status, "to": status},
        )
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        progress_refresh(actor=actor, episode=episode)
    return locked


def _check_rating(
    rating: Decimal, gas_level: int | None, source: str, rated_on: date, episode: Episode
) -> None:
    problems = []
    if not GOAL_RATING_MIN <= rating <= GOAL_RATING_MAX or rating % RATING_STEP != 0:
        problems.append(_("A goal rating is a number from 0 to 10, in steps of 0.5."))
    if gas_level is not None and gas_level not in GAS_LEVELS:
        problems.append(_("A GAS level is a whole number from \u22122 to +2."))
    if source not in RatingSource.values:
        problems.append(_("Unknown rating source %(source)s.") % {"source": source})
    if not (rule := dates.entry_rule(episode)).allows(rated_on):
        problems.append(rule.explain())
    if problems:
        raise ValidationError(problems)


def goal_rate(
    *,
    actor: User,
    goal: Goal,
    rating: Decimal,
    rated_on: date,
    submission_key: uuid.UUID,
    gas_level: int | None = None,
    source: str = RatingSource.IN_SESSION,
) -> GoalRating:
    """Record one 0-10 rating of an active goal. The same submission key (from the same
    actor, for the same goal) stores it once."""
    episode = goal.episode
    require_write(actor=actor, episode=episode, action="goal.rate")
    mine = GoalRating.objects.filter(goal=goal, rated_by=actor, submission_key=submission_key)
    if (existing := mine.first()) is not None:
        return existing
    _check_rating(rating, gas_level, source, rated_on, episode)
    if goal.status != GoalStatus.ACTIVE:
        raise ValidationError(_("Only an active goal can be rated; make it active again first."))
    if episode.end is not None:
        raise ValidationError(_("This episode has ended; its goals can no longer be rated."))
    try:
        with transaction.atomic():
            goal_rating = GoalRating.objects.create(
                goal=goal,
                rating=rating,
                rated_on=rated_on,
                rated_by=actor,
                source=source,
                gas_level=gas_level,
                submission_key=submission_key,
            )
            audit_record(
                actor=actor,
                action="goal.rate",
                client=episode.client,
                obj=goal_rating,
                detail={"goal": goal.pk},
            )
            progress_refresh(actor=actor, episode=episode)
    except IntegrityError:
        # A concurrent double submit won the race: return what it stored.
        if (existing := mine.first()) is not None:
            return existing
        raise
    return goal_rating
