"""Recording and amending assessments. Scores come from `strides.instruments.score`."""

import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.accounts.permissions import require_write
from strides.assessments.models import Assessment, Mode
from strides.audit.services import audit_record
from strides.clients import dates
from strides.clients.models import Appointment, Episode
from strides.crypto import encrypt_text
from strides.instruments import InvalidAnswers, get_instrument, score
from strides.outcomes.services import progress_refresh
from strides.text_limits import check_length

Answer = int | float | Decimal | str | None
CORRECTION_REASON_MAX = 500


def _stored_answers(answers: Mapping[int, Answer]) -> dict[str, int | float | str | None]:
    stored: dict[str, int | float | str | None] = {}
    for number, value in sorted(answers.items()):
        stored[str(number)] = float(value) if isinstance(value, Decimal) else value
    return stored


def _scored_fields(code: str, answers: Mapping[int, Answer]) -> dict[str, object]:
    try:
        instrument = get_instrument(code)
    except KeyError as error:
        raise ValidationError(str(error.args[0])) from None
    if all(answers.get(item.number) is None for item in instrument.items):
        raise ValidationError(_("No item is answered. Answer at least one item."))
    try:
        result = score(code, dict(answers))
    except InvalidAnswers as error:
        raise ValidationError(list(error.problems)) from None
    return {
        "instrument_code": instrument.code,
        "instrument_version": instrument.version,
        "answers": _stored_answers(answers),
        "total": result.total,
        "band": result.band or "",
        "subscales": result.subscales,
        "subscale_bands": result.subscale_bands,
        "percentage": result.percentage,
        "flags": sorted(result.flags),
        "has_risk": "risk" in result.flags,
        "risk_items": list(result.risk_items_endorsed),
    }


def _existing(actor: User, episode: Episode, submission_key: uuid.UUID) -> Assessment | None:
    """What this actor already stored in this episode with this key (a repeated submit).
    Call only after the permission check: a key says nothing about anyone else's data."""
    return Assessment.objects.filter(
        episode=episode, entered_by=actor, submission_key=submission_key
    ).first()


def assessment_record(
    *,
    actor: User,
    episode: Episode,
    instrument_code: str,
    answers: Mapping[int, Answer],
    taken_on: date,
    submission_key: uuid.UUID,
    mode: str = Mode.IN_SESSION,
    appointment: Appointment | None = None,
    refresh: bool = True,
) -> Assessment:
    """Score and store one administration. The same submission key (from the same actor,
    in the same episode) stores it once. `refresh=False` leaves the progress summary,
    milestones and alerts to the caller, who stores several at once in one transaction
    and refreshes once after the last (the portal's submit)."""
    require_write(actor=actor, episode=episode, action="assessment.record")
    if (existing := _existing(actor, episode, submission_key)) is not None:
        return existing
    if appointment is not None and appointment.episode_id != episode.pk:
        raise ValidationError(_("That appointment belongs to another episode."))
    if mode not in Mode.values:
        raise ValidationError(_("Unknown mode %(mode)s.") % {"mode": mode})
    dates.entry_rule(episode).check(taken_on)
    fields = _scored_fields(instrument_code, answers)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                episode=episode,
                appointment=appointment,
                mode=mode,
                taken_on=taken_on,
                entered_by=actor,
                submission_key=submission_key,
                **fields,
            )
            audit_record(
                actor=actor,
                action="assessment.record",
                client=episode.client,
                obj=assessment,
                detail={"instrument": assessment.instrument_code},
            )
            if refresh:
                progress_refresh(actor=actor, episode=episode)
    except IntegrityError:
        # A concurrent double submit won the race: return what it stored.
        if (existing := _existing(actor, episode, submission_key)) is not None:
            return existing
        raise
    return assessment


def assessment_amend(
    *,
    actor: User,
    original: Assessment,
    answers: Mapping[int, Answer],
    taken_on: date,
    reason: str,
    submission_key: uuid.UUID,
) -> Assessment:
    """Correct an assessment: a new current row replaces it; the original is kept."""
    episode = original.episode
    require_write(actor=actor, episode=episode, action="assessment.amend")
    if (existing := _existing(actor, episode, submission_key)) is not None:
        return existing
    client = episode.client
    if not reason.strip():
        raise ValidationError(_("Say why the assessment is corrected."))
    check_length(reason.strip(), CORRECTION_REASON_MAX)
    dates.entry_rule(original.episode).check(taken_on)
    fields = _scored_fields(original.instrument_code, answers)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=original.pk)
        if not locked.is_current:
            raise ValidationError(
                _("This assessment was already corrected; correct the newer one.")
            )
        locked.is_current = False
        locked.save(update_fields=["is_current"])
        amended = Assessment.objects.create(
            episode=locked.episode,
            appointment=locked.appointment,
            mode=locked.mode,
            taken_on=taken_on,
            entered_by=actor,
            submission_key=submission_key,
            replaces=locked,
            first_version_id=locked.first_version_id or locked.pk,
            amendment_reason_encrypted=encrypt_text(reason.strip()),
            **fields,
        )
        audit_record(
            actor=actor,
            action="assessment.amend",
            client=client,
            obj=amended,
            detail={"replaces": locked.pk},
        )
        progress_refresh(actor=actor, episode=locked.episode)
    return amended
