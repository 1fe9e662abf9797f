"""Reading assessments: one access rule, audited, history grouped per instrument."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet, Window
from django.db.models.functions import FirstValue

from strides.accounts.models import User
from strides.accounts.permissions import Access, episode_access, record_for_actor
from strides.assessments.models import Assessment
from strides.clients.models import Episode
from strides.instruments import NOT_APPLICABLE, Instrument, get_instrument, list_instruments


@dataclass(frozen=True)
class AnswerRow:
    number: int
    text: str
    value: int | float | str | None
    label: str
    risk: bool


@dataclass(frozen=True)
class HistoryRow:
    assessment: Assessment
    change_from_previous: float | None
    change_from_first: float | None
    answers: list[AnswerRow]


@dataclass(frozen=True)
class ItemChange:
    """One item's answer at the first and the latest administration of the episode."""

    number: int
    text: str
    first: int | float | str | None
    latest: int | float | str | None
    change: float | None
    risk: bool


@dataclass(frozen=True)
class InstrumentHistory:
    instrument: Instrument
    rows: list[HistoryRow]
    item_changes: list[ItemChange]


def _numeric(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def item_changes(first: list[AnswerRow], latest: list[AnswerRow]) -> list[ItemChange]:
    """Baseline against latest per item, so the therapist sees which symptoms moved."""
    changes = []
    for before, after in zip(first, latest, strict=True):
        a, b = _numeric(before.value), _numeric(after.value)
        changes.append(
            ItemChange(
                number=before.number,
                text=before.text,
                first=before.value,
                latest=after.value,
                change=None if a is None or b is None else round(b - a, 1),
                risk=before.risk,
            )
        )
    return changes


def assessment_for_actor(
    *,
    actor: User,
    assessment_id: int,
    need: Access = Access.READ,
    action: str = "assessment.view",
) -> Assessment:
    return record_for_actor(
        actor=actor,
        queryset=Assessment.objects.select_related(
            "episode__client", "episode__therapist", "entered_by"
        ),
        pk=assessment_id,
        episode_of=lambda a: a.episode,
        need=need,
        action=action,
    )


def answer_rows(assessment: Assessment) -> list[AnswerRow]:
    """Each item's text beside the answer recorded, as printed on the form."""
    instrument = get_instrument(assessment.instrument_code)
    rows = []
    for item in (*instrument.items, *instrument.supplementary_items):
        value = assessment.answers.get(str(item.number))
        if value is None:
            label = "not answered"
        elif value == NOT_APPLICABLE:
            label = item.not_applicable_label or "not applicable"
        else:
            label = next((o.label or "" for o in item.options if o.value == value), "")
        rows.append(AnswerRow(item.number, item.text, value, label, item.risk))
    return rows


def _difference(now: float | None, then: float | None) -> float | None:
    if now is None or then is None:
        return None
    return round(now - then, 1)


def episode_histories(*, episode: Episode) -> list[InstrumentHistory]:
    """Current assessments of an episode per instrument, oldest first, with changes."""
    by_code: dict[str, list[Assessment]] = defaultdict(list)
    for assessment in episode.assessments.filter(is_current=True).order_by("taken_on", "id"):
        by_code[assessment.instrument_code].append(assessment)
    histories = []
    for code, assessments in sorted(by_code.items()):
        scored = [a for a in assessments if a.total is not None]
        first = scored[0].total if scored else None
        rows = []
        previous: float | None = None
        for assessment in assessments:
            rows.append(
                HistoryRow(
                    assessment=assessment,
                    change_from_previous=_difference(assessment.total, previous),
                    change_from_first=_difference(assessment.total, first)
                    if assessment is not (scored[0] if scored else None)
                    else None,
                    answers=answer_rows(assessment),
                )
            )
            if assessment.total is not None:
                previous = assessment.total
        changes = item_changes(rows[0].answers, rows[-1].answers) if len(rows) > 1 else []
        histories.append(InstrumentHistory(get_instrument(code), rows, changes))
    return histories


@dataclass(frozen=True)
class RiskNotice:
    assessment: Assessment
    rows: list[AnswerRow]


def risk_notices(*, episode: Episode) -> list[RiskNotice]:
    """Every current assessment of the episode with an endorsed risk item, newest first,
    with the endorsed items' text and answers. Never hidden or summarised away."""
    flagged = episode.assessments.filter(is_current=True, has_risk=True).order_by(
        "-taken_on", "-id"
    )
    return [
        RiskNotice(a, [row for row in answer_rows(a) if row.number in a.risk_items])
        for a in flagged
    ]


def risk_instruments() -> list[str]:
    return [i.code for i in list_instruments() if i.risk_items]


def risk_endorsed_clients(*, episodes: QuerySet[Episode]) -> QuerySet[Any, Any]:
    """The ids of clients whose latest risk-capable assessment (per instrument) in an open
    episode among `episodes` (those the actor may read) endorsed a risk item. Set-based:
    each row carries its (client, instrument)'s latest answer once, a window, for use in
    a non-correlated `IN` (the risk is read after the ranking, never before it)."""
    return (
        Assessment.objects.filter(
            episode__in=episodes.filter(end__isnull=True),
            is_current=True,
            instrument_code__in=risk_instruments(),
        )
        .annotate(
            latest_has_risk=Window(
                FirstValue("has_risk"),
                partition_by=[F("episode__client_id"), F("instrument_code")],
                order_by=[F("taken_on").desc(), F("id").desc()],
            )
        )
        .filter(latest_has_risk=True)
        .values("episode__client_id")
    )


def can_change(*, actor: User, assessment: Assessment) -> bool:
    return episode_access(actor, assessment.episode) == Access.WRITE


def client_instruments() -> list[Instrument]:
    """Instruments a client answers (not the ones staff answer about themselves)."""
    excluded = set(settings.STRIDES_STAFF_SELF_REPORT_INSTRUMENTS)
    return [i for i in list_instruments() if i.code not in excluded]
