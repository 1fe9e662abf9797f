"""Writes to the therapist's own side. Each records one audit event that says only that
the therapist used their own page: no object, no client, no detail."""

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.accounts.models import Role, User
from strides.audit.services import audit_record
from strides.crypto import encrypt_text
from strides.instruments import InvalidAnswers, score
from strides.milestones.models import Milestone
from strides.text_limits import check_length
from strides.wellbeing.models import CheckIn, CheckInSchedule, Moment

PROQOL = "proqol5"
MOMENT_MAX_LENGTH = 2000
OWN_PAGE = "wellbeing.own_page"


def require_own_side(actor: User) -> None:
    """Only an active therapist has an own side; anyone else gets a plain 404."""
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.THERAPIST):
        raise Http404("No such page.")


def record_own_use(actor: User) -> None:
    audit_record(actor=actor, action=OWN_PAGE)


def own_milestone(*, actor: User, milestone_id: int) -> Milestone:
    """A milestone of one of the therapist's own episodes, or 404."""
    milestone = (
        Milestone.objects.filter(pk=milestone_id, episode__therapist=actor)
        .select_related("episode__client")
        .first()
    )
    if milestone is None:
        raise Http404("No such milestone.")
    return milestone


@transaction.atomic
def moment_write(
    *, actor: User, text: str, written_on: date | None = None, milestone: Milestone | None = None
) -> Moment:
    require_own_side(actor)
    words = text.strip()
    if not words:
        raise ValidationError(_("Write a few words about the moment."))
    check_length(words, MOMENT_MAX_LENGTH)
    if milestone is not None and milestone.episode.therapist_id != actor.pk:
        raise Http404("No such milestone.")
    moment = Moment.objects.create(
        therapist=actor,
        text_encrypted=encrypt_text(words),
        milestone=milestone,
        written_on=written_on or timezone.localdate(),
    )
    record_own_use(actor)
    return moment


@transaction.atomic
def moment_delete(*, actor: User, moment: Moment) -> None:
    require_own_side(actor)
    if moment.therapist_id != actor.pk:
        raise Http404("No such moment.")
    moment.delete()
    record_own_use(actor)


@transaction.atomic
def checkin_record(
    *, actor: User, answers: dict[int, int], taken_on: date | None = None
) -> CheckIn:
    """Score a complete ProQOL 5 with the instruments engine and store it encrypted."""
    require_own_side(actor)
    try:
        result = score(PROQOL, answers)
    except InvalidAnswers as error:
        raise ValidationError(str(error)) from error
    if result.incomplete:
        raise ValidationError(_("Answer every question: each part needs all ten of its answers."))
    value = {
        "answers": {str(number): answer for number, answer in sorted(answers.items())},
        "subscales": dict(result.subscales),
        "bands": dict(result.subscale_bands),
    }
    checkin = CheckIn.objects.create(
        therapist=actor,
        taken_on=taken_on or timezone.localdate(),
        result_encrypted=encrypt_text(json.dumps(value, sort_keys=True)),
    )
    record_own_use(actor)
    return checkin


@transaction.atomic
def schedule_set(*, actor: User, every_days: int) -> CheckInSchedule:
    require_own_side(actor)
    schedule, _created = CheckInSchedule.objects.update_or_create(
        therapist=actor, defaults={"every_days": every_days}
    )
    record_own_use(actor)
    return schedule
