"""Team and clinic outcomes over a period, computed set-based.

Three aggregate queries read every course that ended in the period (its stored progress
summary's Talking Therapies flags and first/last scores, its attended treatment sessions
and its completed measures); numpy does the rest over arrays
(`strides.progress.practice_outcomes`). Nothing here loops over clients with a query.
`bare_scan` runs the very same SQL with nothing on top, so the benchmark can hold
`clinic_outcomes` to it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from strides.accounts.models import Role, User
from strides.assessments.models import Assessment
from strides.audit.models import Outcome
from strides.audit.services import audit_record
from strides.clients.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    EndReason,
    Episode,
)
from strides.clinic_outcomes.periods import Period
from strides.instruments import get_instrument
from strides.lib.rate_chart import RatePoint, RateSeries, rate_chart
from strides.progress.practice_outcomes import (
    MIN_REPORTED_N,
    Benchmark,
    BenchmarkComparison,
    EffectSize,
    Rate,
    compare,
    count_distribution,
    prepost_d,
    rate_of,
    severity_adjusted,
    severity_model,
)
from strides.progress.talking_therapies import MIN_ATTENDED_FOR_COURSE

# Measures a practice's effect size can be read on: lower is better, stored per episode.
EFFECT_MEASURES = ("phq9", "gad7", "core10")
TT_FLAGS = ("caseness", "recovered", "reliable_improvement", "reliable_deterioration")
RATE_CODES = ("recovery", "reliable_improvement", "reliable_recovery", "reliable_deterioration")


def rate_labels() -> dict[str, str]:
    return {
        "recovery": _("Recovery"),
        "reliable_improvement": _("Reliable improvement"),
        "reliable_recovery": _("Reliable recovery"),
        "reliable_deterioration": _("Reliable deterioration"),
    }


@dataclass(frozen=True)
class OutcomeRows:
    """One entry per course that ended in the period, as parallel arrays."""

    therapist: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]  # the end date's ordinal
    end_reason: npt.NDArray[np.str_]
    treatment: npt.NDArray[np.int64]
    measures: npt.NDArray[np.int64]
    paired: npt.NDArray[np.bool_]  # a stored Talking Therapies outcome of a finished course
    caseness: npt.NDArray[np.bool_]
    recovered: npt.NDArray[np.bool_]
    reliable_improvement: npt.NDArray[np.bool_]
    reliable_deterioration: npt.NDArray[np.bool_]
    pre: npt.NDArray[np.float64]  # first and last score of the measure; nan without two
    post: npt.NDArray[np.float64]

    @property
    def finished(self) -> npt.NDArray[np.bool_]:
        return self.treatment >= MIN_ATTENDED_FOR_COURSE


def _ended(period: Period) -> QuerySet[Episode]:
    episodes = Episode.objects.filter(end__isnull=False, end__lte=period.end)
    if period.start is not None:
        episodes = episodes.filter(end__gte=period.start)
    return episodes


def _queries(period: Period, measure: str) -> tuple[QuerySet[Any], QuerySet[Any], QuerySet[Any]]:
    if measure not in EFFECT_MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(EFFECT_MEASURES)}")
    ended = _ended(period)
    tt = "progress__talking_therapies__"
    courses = ended.order_by("id").values_list(
        "id",
        "therapist_id",
        "end",
        "end_reason",
        f"{tt}finished_course",
        *(f"{tt}{flag}" for flag in TT_FLAGS),
        f"progress__measures__{measure}__first",
        f"progress__measures__{measure}__latest",
        f"progress__measures__{measure}__count",
    )
    sessions = (
        Appointment.objects.filter(
            episode__in=ended.values("id"),
            status=AppointmentStatus.ATTENDED,
            kind=AppointmentKind.TREATMENT,
        )
        .values("episode_id")
        .annotate(n=Count("id"))
        .values_list("episode_id", "n")
    )
    completed = (
        Assessment.objects.filter(episode__in=ended.values("id"), is_current=True)
        .values("episode_id")
        .annotate(n=Count("id"))
        .values_list("episode_id", "n")
    )
    return courses, sessions, completed


def bare_scan(period: Period, measure: str = "phq9") -> int:
    """The same three statements as `outcome_rows`, fetched with a bare cursor and
    nothing built on top: the floor the benchmark compares with. Returns the rows read."""
    read = 0
    with connection.cursor() as cursor:
        for queryset in _queries(period, measure):
            sql, params = queryset.query.sql_with_params()
            cursor.execute(sql, params)
            read += len(cursor.fetchall())
    return read


def _counts_by_episode(
    pairs: Sequence[tuple[int, int]], ids: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    counts = np.zeros(ids.size, dtype=np.int64)
    if pairs:
        keys = np.fromiter((pair[0] for pair in pairs), dtype=np.int64, count=len(pairs))
        values = np.fromiter((pair[1] for pair in pairs), dtype=np.int64, count=len(pairs))
        counts[np.searchsorted(ids, keys)] = values
    return counts


def _flag(values: Sequence[object]) -> npt.NDArray[np.bool_]:
    # JSON true comes back as True on PostgreSQL and SQLite alike; missing keys as None.
    return np.fromiter((value is True or value == 1 for value in values), dtype=np.bool_)


def outcome_rows(period: Period, measure: str = "phq9") -> OutcomeRows:
    courses_qs, sessions_qs, completed_qs = _queries(period, measure)
    courses = list(courses_qs)
    width = len(courses_qs.query.values_select) + len(courses_qs.query.annotation_select)
    columns = list(zip(*courses, strict=True)) if courses else [() for _ in range(width)]
    (ids_col, therapist_col, end_col, reason_col, finished_col) = columns[:5]
    caseness_col, recovered_col, improved_col, deteriorated_col = columns[5:9]
    first_col, last_col, count_col = columns[9:12]
    ids = np.array(ids_col, dtype=np.int64)
    count = np.array([c if c is not None else 0 for c in count_col], dtype=np.int64)
    first = np.array([np.nan if v is None else float(v) for v in first_col], dtype=np.float64)
    last = np.array([np.nan if v is None else float(v) for v in last_col], dtype=np.float64)
    two = count >= 2
    treatment = _counts_by_episode(list(sessions_qs), ids)
    finished_flag = _flag(finished_col)
    return OutcomeRows(
        therapist=np.array(therapist_col, dtype=np.int64),
        end=np.array([day.toordinal() for day in end_col], dtype=np.int64),
        end_reason=np.array(reason_col, dtype=np.str_),
        treatment=treatment,
        measures=_counts_by_episode(list(completed_qs), ids),
        paired=finished_flag & (treatment >= MIN_ATTENDED_FOR_COURSE),
        caseness=_flag(caseness_col),
        recovered=_flag(recovered_col),
        reliable_improvement=_flag(improved_col),
        reliable_deterioration=_flag(deteriorated_col),
        pre=np.where(two, first, np.nan),
        post=np.where(two, last, np.nan),
    )


@dataclass(frozen=True)
class RateLine:
    code: str
    label: str
    rate: Rate


@dataclass(frozen=True)
class GroupFigures:
    finished: int
    rates: list[RateLine]
    effect: EffectSize
    saes: EffectSize


@dataclass(frozen=True)
class TherapistFigures:
    name: str
    figures: GroupFigures


@dataclass(frozen=True)
class ClinicOutcomes:
    period: Period
    measure: str
    measure_name: str
    ended: int
    finished: int
    short: int  # ended with fewer than two attended treatment sessions
    figures: GroupFigures
    comparisons: list[BenchmarkComparison]
    end_reasons: list[tuple[str, int]]
    measures_per_course: list[tuple[str, int]]
    chart_svg: str
    per_therapist: list[TherapistFigures] | None
    min_n: int


def _rates(rows: OutcomeRows, mask: npt.NDArray[np.bool_]) -> list[RateLine]:
    paired = mask & rows.paired
    at_caseness = paired & rows.caseness
    reliable_recovery = rows.recovered & rows.reliable_improvement
    labels = rate_labels()
    values = {
        "recovery": rate_of(rows.recovered[at_caseness]),
        "reliable_improvement": rate_of(rows.reliable_improvement[paired]),
        "reliable_recovery": rate_of(reliable_recovery[at_caseness]),
        "reliable_deterioration": rate_of(rows.reliable_deterioration[paired]),
    }
    return [RateLine(code, labels[code], values[code]) for code in RATE_CODES]


def _figures(rows: OutcomeRows, mask: npt.NDArray[np.bool_], model: object) -> GroupFigures:
    finished = mask & rows.finished
    scored = finished & ~np.isnan(rows.pre)
    pre, post = rows.pre[scored], rows.post[scored]
    return GroupFigures(
        finished=int(np.count_nonzero(finished)),
        rates=_rates(rows, mask),
        effect=prepost_d(pre, post),
        saes=severity_adjusted(model, pre, post),  # type: ignore[arg-type]
    )


def benchmarks() -> list[Benchmark]:
    return [Benchmark(**entry) for entry in settings.STRIDES_OUTCOME_BENCHMARKS]


def _buckets(period: Period, ends: npt.NDArray[np.int64]) -> tuple[list[str], list[int]]:
    """Chart periods (labels) and each course's bucket index: quarters within a year,
    years over all time, the month itself for a month."""
    days = [date.fromordinal(int(day)) for day in ends]
    if period.key == "month":
        return [period.end.strftime("%b %Y")], [0] * len(days)
    if period.key == "year":
        labels = [f"Q{quarter} {period.end.year}" for quarter in range(1, 5)]
        return labels, [(day.month - 1) // 3 for day in days]
    first = min((day.year for day in days), default=period.end.year)
    labels = [str(year) for year in range(first, period.end.year + 1)]
    return labels, [day.year - first for day in days]


def _chart(period: Period, rows: OutcomeRows, mask: npt.NDArray[np.bool_]) -> str:
    labels, buckets = _buckets(period, rows.end)
    bucket = np.array(buckets, dtype=np.int64)
    series = []
    for line_index, code in enumerate(RATE_CODES):
        points: list[RatePoint | None] = []
        for index in range(len(labels)):
            line = _rates(rows, mask & (bucket == index))[line_index]
            r = line.rate
            points.append(
                RatePoint(r.proportion, r.low, r.high, r.n)
                if r.proportion is not None and r.low is not None and r.high is not None
                else None
            )
        series.append(RateSeries(rate_labels()[code], points))
    return rate_chart(title=_("Rates over time with 95 % intervals"), periods=labels, series=series)


def clinic_outcomes(
    period: Period,
    *,
    therapist_ids: Sequence[int] | None = None,
    measure: str = "phq9",
    per_therapist: bool | None = None,
) -> ClinicOutcomes:
    """Outcomes of the courses that ended in the period, for the therapists given (a
    team) or the whole clinic. The severity model is always the whole clinic's."""
    rows = outcome_rows(period, measure)
    everyone = np.ones(rows.therapist.size, dtype=np.bool_)
    mask = everyone if therapist_ids is None else np.isin(rows.therapist, list(therapist_ids))
    finished_all = rows.finished & ~np.isnan(rows.pre)
    model = severity_model(rows.pre[finished_all], rows.post[finished_all])
    figures = _figures(rows, mask, model)
    reasons = dict(EndReason.choices)
    scoped_reasons = rows.end_reason[mask]
    end_reasons = [
        (str(label), int(np.count_nonzero(scoped_reasons == code)))
        for code, label in reasons.items()
    ]
    if unknown := int(np.count_nonzero(~np.isin(scoped_reasons, list(reasons)))):
        end_reasons.append((_("Not recorded"), unknown))
    show_each = settings.STRIDES_OUTCOMES_PER_THERAPIST if per_therapist is None else per_therapist
    each: list[TherapistFigures] | None = None
    if show_each:
        ids = sorted(set(rows.therapist[mask].tolist()))
        names = {user.pk: user.display() for user in User.objects.filter(pk__in=ids)}
        each = sorted(
            (
                TherapistFigures(names[pk], _figures(rows, mask & (rows.therapist == pk), model))
                for pk in ids
            ),
            key=lambda entry: entry.name.lower(),  # alphabetical: never a ranking
        )
    return ClinicOutcomes(
        period=period,
        measure=measure,
        measure_name=get_instrument(measure).name,
        ended=int(np.count_nonzero(mask)),
        finished=figures.finished,
        short=int(np.count_nonzero(mask & ~rows.finished)),
        figures=figures,
        comparisons=compare(figures.saes, benchmarks()),
        end_reasons=end_reasons,
        measures_per_course=count_distribution(rows.measures[mask & rows.finished]),
        chart_svg=_chart(period, rows, mask),
        per_therapist=each,
        min_n=MIN_REPORTED_N,
    )


def team_ids(actor: User) -> list[int]:
    """The active therapists a supervisor supervises."""
    return list(
        User.objects.filter(supervisors=actor, role=Role.THERAPIST, is_active=True).values_list(
            "pk", flat=True
        )
    )


def outcomes_for_actor(*, actor: User, scope: str, period: Period, measure: str) -> ClinicOutcomes:
    """Team outcomes for a supervisor, clinic outcomes for a supervisor or an admin; 404
    for anyone else (aggregates only, no client is named)."""
    allowed = scope == "clinic" and actor.role in (Role.SUPERVISOR, Role.ADMIN)
    allowed = allowed or (scope == "team" and actor.role == Role.SUPERVISOR)
    if not actor.is_active or not allowed or measure not in EFFECT_MEASURES:
        audit_record(actor=actor, action=f"outcomes.{scope}", outcome=Outcome.DENIED)
        raise Http404("No such page.")
    audit_record(
        actor=actor,
        action=f"outcomes.{scope}",
        detail={"period": period.key, "measure": measure},
    )
    return clinic_outcomes(
        period, therapist_ids=team_ids(actor) if scope == "team" else None, measure=measure
    )
