"""One instrument's progress in an episode, as the summary and dashboard show it.

Composes the other rules (reliable change, clinical significance, trajectory, trend)
over one instrument's scored series, so every number on the summary comes from one
place and carries its inputs.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from strides.progress.history import MeasureRule
from strides.progress.trajectories import NO_EXPECTED_CURVE, TrajectoryParams, track_status, trend


@dataclass(frozen=True)
class MeasureSummary:
    instrument: str
    count: int
    first: float
    latest: float
    change: float  # latest - first
    direction: str | None  # reliable-change direction; None without a change rule
    category: str | None  # clinical-significance category; None without cut-off or rule
    status: str | None  # trajectory status; None without trajectory parameters
    expected: float | None
    band: float | None
    explanation: str  # the status sentence, or NO_CURVE_EXPLANATION without parameters
    trend_slope: float | None  # points per session
    trend_se: float | None
    recent: tuple[float, ...]  # the last scores, oldest first, for a sparkline


RECENT_SCORES = 8
NO_CURVE_EXPLANATION = f"{NO_EXPECTED_CURVE}, so it has no on-track status."


def summarise_measure(
    rule: MeasureRule,
    series: Sequence[tuple[int, float]],
    params: TrajectoryParams | None,
) -> MeasureSummary:
    """Summarise (session, score) pairs of one instrument, oldest first (at least one)."""
    if not series:
        raise ValueError(f"{rule.code}: no scores to summarise")
    first, latest = series[0][1], series[-1][1]
    direction = rule.reliable_change(first, latest).direction if rule.has_change_rule else None
    category = (
        rule.clinical_significance(first, latest).category
        if rule.cutoff is not None and rule.has_change_rule
        else None
    )
    tracked = (
        track_status(
            series,
            params,
            cutoff=rule.cutoff,
            sd=rule.sd,
            reliability=rule.reliability,
            threshold=rule.threshold,
            lower_is_better=rule.lower_is_better,
        )
        if params is not None
        else None
    )
    slope = trend(series)
    return MeasureSummary(
        instrument=rule.code,
        count=len(series),
        first=first,
        latest=latest,
        change=round(latest - first, 1),
        direction=direction,
        category=category,
        status=tracked.status if tracked else None,
        expected=round(tracked.expected, 1) if tracked else None,
        band=round(tracked.band, 1) if tracked else None,
        explanation=tracked.explanation if tracked else NO_CURVE_EXPLANATION,
        trend_slope=slope.slope,
        trend_se=slope.standard_error,
        recent=tuple(score for _session, score in series[-RECENT_SCORES:]),
    )
