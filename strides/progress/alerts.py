"""Alerts: things a therapist should act on (CLINICAL.md sections 7 and 9).

`detect_alerts` is a pure function of the episode's history. Keys are stable: the same
history gives the same keys, and new observations never change an earlier alert's key.
Alerts that persist across sessions (reliable deterioration, not on track) are raised
once per run: when the condition starts, again only after it has cleared.
"""

from collections.abc import Mapping

from strides.progress.change import SCORE_TOLERANCE, CutoffSides
from strides.progress.events import Alert
from strides.progress.history import (
    ALLIANCE_INSTRUMENTS,
    RISK_FLAG,
    RISK_UNANSWERED_FLAG,
    EpisodeHistory,
    MeasureRule,
    Observation,
)
from strides.progress.trajectories import DEFAULT_TRAJECTORIES, TrajectoryParams, track_status
from strides.progress.wording import change_evidence, describe_change, format_score

# Alert when this many measures in a row were missed.
MISSED_MEASURES_THRESHOLD = 3


def detect_alerts(
    history: EpisodeHistory,
    rules: Mapping[str, MeasureRule],
    *,
    trajectory_params: Mapping[str, TrajectoryParams] = DEFAULT_TRAJECTORIES,
    missed_threshold: int = MISSED_MEASURES_THRESHOLD,
    alliance_instruments: frozenset[str] = ALLIANCE_INSTRUMENTS,
) -> list[Alert]:
    """Every alert the episode has raised so far, oldest first.

    Risk alerts need no rule. Reliable deterioration needs the instrument's
    reliable-change rule, not on track its trajectory parameters, and the alliance alert
    the rule of an instrument in `alliance_instruments`.
    """
    if missed_threshold < 1:
        raise ValueError(f"missed_threshold must be at least 1, got {missed_threshold}")
    alerts = _risk_alerts(history, rules)
    for code in history.instruments():
        rule = rules.get(code)
        scored = history.scored(code)
        if rule is None or not scored:
            continue
        if code in alliance_instruments:
            alerts += _alliance_alerts(rule, scored)
            continue
        if rule.has_change_rule:
            alerts += _deterioration_alerts(rule, scored)
        params = trajectory_params.get(code)
        if params is not None:
            alerts += _not_on_track_alerts(rule, params, scored)
    if history.missed_in_row >= missed_threshold:
        alerts.append(_missed_measures_alert(history, missed_threshold))
    return sorted(alerts, key=lambda a: (a.when, a.key))


def _risk_alerts(history: EpisodeHistory, rules: Mapping[str, MeasureRule]) -> list[Alert]:
    alerts: list[Alert] = []
    for observation in history.observations:
        rule = rules.get(observation.instrument)
        name = rule.name if rule is not None else observation.instrument
        evidence: dict[str, str | int | float] = {
            "instrument": observation.instrument,
            "assessment_id": observation.assessment_id,
            "date": observation.when.isoformat(),
        }
        if RISK_FLAG in observation.flags:
            alerts.append(
                Alert(
                    kind="risk",
                    key=f"risk:{observation.assessment_id}",
                    instrument=observation.instrument,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence=evidence,
                    summary=(
                        f"A risk item on the {name} of {observation.when.isoformat()} was "
                        "answered above 0: please review it with the client."
                    ),
                    immediate=True,
                )
            )
        if RISK_UNANSWERED_FLAG in observation.flags:
            alerts.append(
                Alert(
                    kind="risk_unanswered",
                    key=f"risk_unanswered:{observation.assessment_id}",
                    instrument=observation.instrument,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence=evidence,
                    summary=(
                        f"A risk item on the {name} of {observation.when.isoformat()} was "
                        "not answered: please ask about it."
                    ),
                )
            )
    return alerts


def _deterioration_alerts(
    rule: MeasureRule, scored: list[tuple[Observation, float]]
) -> list[Alert]:
    alerts: list[Alert] = []
    intake = scored[0][1]
    previously = False
    for observation, total in scored[1:]:
        rc = rule.reliable_change(intake, total)
        now = rc.direction == "deteriorated"
        if now and not previously:
            alerts.append(
                Alert(
                    kind="reliable_deterioration",
                    key=f"reliable_deterioration:{rule.code}:{observation.assessment_id}",
                    instrument=rule.code,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence={
                        "instrument": rule.code,
                        "session": observation.session,
                        **change_evidence(rc),
                    },
                    summary=(
                        f"{rule.name} reliably worse than at intake: {format_score(intake)} → "
                        f"{format_score(total)} at session {observation.session} "
                        f"({describe_change(rc)})."
                    ),
                )
            )
        previously = now
    return alerts


def _not_on_track_alerts(
    rule: MeasureRule, params: TrajectoryParams, scored: list[tuple[Observation, float]]
) -> list[Alert]:
    # One score per session: a repeated session keeps its latest score.
    latest_by_session = {observation.session: (observation, total) for observation, total in scored}
    points = list(latest_by_session.values())
    alerts: list[Alert] = []
    previously = False
    for count in range(1, len(points) + 1):
        observation = points[count - 1][0]
        status = track_status(
            [(o.session, total) for o, total in points[:count]],
            params,
            cutoff=rule.cutoff if rule.has_change_rule else None,
            sd=rule.sd,
            reliability=rule.reliability,
            threshold=rule.threshold,
            lower_is_better=rule.lower_is_better,
        )
        now = status.status == "not_on_track"
        if now and not previously:
            alerts.append(
                Alert(
                    kind="not_on_track",
                    key=f"not_on_track:{rule.code}:{observation.assessment_id}",
                    instrument=rule.code,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence={
                        "instrument": rule.code,
                        "intake": status.intake,
                        "session": status.session,
                        "observed": status.observed,
                        "expected": status.expected,
                        "band": status.band,
                        "beta0": params.beta0,
                        "beta1": params.beta1,
                        "sigma": params.sigma,
                        "z": params.z,
                        "parameters": params.source,
                    },
                    summary=f"{rule.name}: {status.explanation}",
                )
            )
        previously = now
    return alerts


def _alliance_alerts(rule: MeasureRule, scored: list[tuple[Observation, float]]) -> list[Alert]:
    """Below the cut-off, or dropped from the previous score: by the rule's reliable
    change when it has one, otherwise by any amount (SRS: any drop)."""
    alerts: list[Alert] = []
    sides = CutoffSides(rule.cutoff, rule.lower_is_better) if rule.cutoff is not None else None
    worse_side = "at or above" if rule.lower_is_better else "below"
    previous: float | None = None
    for observation, total in scored:
        reasons: list[str] = []
        evidence: dict[str, str | int | float] = {"instrument": rule.code, "score": total}
        if sides is not None and sides.is_clinical(total):
            reasons.append(f"{worse_side} the cut-off of {format_score(sides.cutoff)}")
            evidence["cutoff"] = sides.cutoff
        if previous is not None and _dropped(rule, previous, total):
            reasons.append(f"down from {format_score(previous)} at the previous session")
            evidence["previous"] = previous
        if reasons:
            alerts.append(
                Alert(
                    kind="alliance",
                    key=f"alliance:{rule.code}:{observation.assessment_id}",
                    instrument=rule.code,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence=evidence,
                    summary=f"{rule.name} {format_score(total)}: {' and '.join(reasons)}.",
                )
            )
        previous = total
    return alerts


def _dropped(rule: MeasureRule, previous: float, total: float) -> bool:
    if rule.has_change_rule:
        return rule.reliable_change(previous, total).direction == "deteriorated"
    drop = total - previous if rule.lower_is_better else previous - total
    return drop > SCORE_TOLERANCE


def _missed_measures_alert(history: EpisodeHistory, threshold: int) -> Alert:
    ordered = sorted(history.observations, key=lambda o: (o.when, o.assessment_id))
    last = ordered[-1] if ordered else None
    evidence: dict[str, str | int | float] = {
        "missed_in_row": history.missed_in_row,
        "threshold": threshold,
    }
    since = "since the start of the episode"
    if last is not None:
        evidence["last_assessment_id"] = last.assessment_id
        evidence["last_date"] = last.when.isoformat()
        since = f"since {last.when.isoformat()}"
    return Alert(
        kind="missed_measures",
        key=f"missed_measures:after:{last.assessment_id if last is not None else 'start'}",
        instrument=None,
        source_id=None,
        when=history.latest_date("the missed-measures alert"),
        evidence=evidence,
        summary=f"{history.missed_in_row} measures missed in a row {since}.",
    )
