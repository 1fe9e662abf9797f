"""Alerts: things a therapist should act on (CLINICAL.md sections 7 and 9).

`detect_alerts` is a pure function of the episode's history. It says two things:

- `raised`: every alert the history has raised, oldest first. Keys are stable: the same
  history gives the same keys, and new observations never change an earlier alert's key.
  Alerts that persist across sessions (reliable deterioration, not on track, alliance,
  measures missed) are raised once per run: when the condition starts, again only after
  it has cleared.
- `now`: for each of those persisting kinds and each measure, whether its condition
  holds at the latest point of the history, with the numbers. The app uses it to update
  the open alert while the condition holds and to close it, with the reason, when it no
  longer does. Risk alerts have no condition: a person acknowledges them.

Once an episode has ended, no persisting condition holds any more: there is no course
left to act on, so its alerts close with the ending. Risk alerts stay until acknowledged.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from strides.progress.change import SCORE_TOLERANCE, CutoffSides
from strides.progress.events import Alert, Evidence
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

# Kinds whose condition the engine follows, so their alerts close by themselves when it
# no longer holds. Risk and risk_unanswered are not among them: a person acknowledges
# those with what was done.
SELF_CLOSING_KINDS = frozenset(
    {"reliable_deterioration", "not_on_track", "alliance", "missed_measures"}
)


@dataclass(frozen=True)
class AlertCondition:
    """Where one self-closing alert's condition stands at the latest point of the history.

    `holds`: the condition is met now; `key` is then the key of the run in progress (the
    key its alert was raised with) and `summary` the alert's text with the latest numbers.
    Otherwise `key` is "" and `summary` says why the condition no longer holds, with the
    numbers. `when` is the date of the latest evidence either way.
    """

    kind: str
    instrument: str | None
    holds: bool
    key: str
    when: datetime.date
    evidence: Evidence = field(hash=False)
    summary: str


@dataclass(frozen=True)
class AlertReading:
    raised: list[Alert]  # every alert raised so far, oldest first
    now: list[AlertCondition]  # one per self-closing kind and measure that could be judged


def detect_alerts(
    history: EpisodeHistory,
    rules: Mapping[str, MeasureRule],
    *,
    trajectory_params: Mapping[str, TrajectoryParams] = DEFAULT_TRAJECTORIES,
    missed_threshold: int = MISSED_MEASURES_THRESHOLD,
    alliance_instruments: frozenset[str] = ALLIANCE_INSTRUMENTS,
) -> AlertReading:
    """Every alert the episode has raised so far, and which conditions hold now.

    Risk alerts need no rule. Reliable deterioration needs the instrument's
    reliable-change rule, not on track its trajectory parameters, and the alliance alert
    the rule of an instrument in `alliance_instruments`.
    """
    if missed_threshold < 1:
        raise ValueError(f"missed_threshold must be at least 1, got {missed_threshold}")
    alerts = _risk_alerts(history, rules)
    now: list[AlertCondition] = []
    for code in history.instruments():
        rule = rules.get(code)
        scored = history.scored(code)
        if rule is None or not scored:
            continue
        found: list[tuple[list[Alert], AlertCondition]] = []
        if code in alliance_instruments:
            found.append(_alliance_alerts(rule, scored))
        else:
            if rule.has_change_rule:
                found.append(_deterioration_alerts(rule, scored))
            params = trajectory_params.get(code)
            if params is not None:
                found.append(_not_on_track_alerts(rule, params, scored))
        for raised, condition in found:
            alerts += raised
            now.append(condition)
    missed = _missed_measures(history, missed_threshold)
    if missed is not None:
        alerts += missed[0]
        now.append(missed[1])
    if history.ended:
        now = [_ended(history, condition) for condition in now]
    return AlertReading(raised=sorted(alerts, key=lambda a: (a.when, a.key)), now=now)


def _ended(history: EpisodeHistory, condition: AlertCondition) -> AlertCondition:
    if not condition.holds:
        return condition
    ended_on = history.ended_on or history.latest_date("the end of the episode")
    return AlertCondition(
        kind=condition.kind,
        instrument=condition.instrument,
        holds=False,
        key="",
        when=ended_on,
        evidence={**condition.evidence, "ended_on": ended_on.isoformat()},
        summary=(
            f"The episode ended on {ended_on.isoformat()}, so there is no course left to "
            f"act on. Last reading: {condition.summary}"
        ),
    )


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
) -> tuple[list[Alert], AlertCondition]:
    alerts: list[Alert] = []
    intake = scored[0][1]
    run_key = ""
    evidence: Evidence = {"instrument": rule.code, "intake": intake, "score": intake}
    summary = f"{rule.name}: only the intake score of {format_score(intake)} so far."
    for observation, total in scored[1:]:
        rc = rule.reliable_change(intake, total)
        evidence = {"instrument": rule.code, "session": observation.session, **change_evidence(rc)}
        change = (
            f"{format_score(intake)} → {format_score(total)} at session {observation.session} "
            f"({describe_change(rc)})"
        )
        if rc.direction != "deteriorated":
            run_key = ""
            summary = f"{rule.name} no longer reliably worse than at intake: {change}."
            continue
        summary = f"{rule.name} reliably worse than at intake: {change}."
        if not run_key:
            run_key = f"reliable_deterioration:{rule.code}:{observation.assessment_id}"
            alerts.append(
                Alert(
                    kind="reliable_deterioration",
                    key=run_key,
                    instrument=rule.code,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence=evidence,
                    summary=summary,
                )
            )
    return alerts, AlertCondition(
        kind="reliable_deterioration",
        instrument=rule.code,
        holds=bool(run_key),
        key=run_key,
        when=scored[-1][0].when,
        evidence=evidence,
        summary=summary,
    )


def _not_on_track_alerts(
    rule: MeasureRule, params: TrajectoryParams, scored: list[tuple[Observation, float]]
) -> tuple[list[Alert], AlertCondition]:
    # One score per session: a repeated session keeps its latest score.
    latest_by_session = {observation.session: (observation, total) for observation, total in scored}
    points = list(latest_by_session.values())
    alerts: list[Alert] = []
    run_key = ""
    evidence: Evidence = {}
    summary = ""
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
        evidence = {
            "instrument": rule.code,
            "intake": status.intake,
            "session": status.session,
            "observed": status.observed,
            "expected": status.expected,
            "band": status.band,
            "status": status.status,
            "beta0": params.beta0,
            "beta1": params.beta1,
            "sigma": params.sigma,
            "z": params.z,
            "parameters": params.source,
        }
        summary = f"{rule.name}: {status.explanation}"
        if status.status != "not_on_track":
            run_key = ""
            continue
        if not run_key:
            run_key = f"not_on_track:{rule.code}:{observation.assessment_id}"
            alerts.append(
                Alert(
                    kind="not_on_track",
                    key=run_key,
                    instrument=rule.code,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence=evidence,
                    summary=summary,
                )
            )
    return alerts, AlertCondition(
        kind="not_on_track",
        instrument=rule.code,
        holds=bool(run_key),
        key=run_key,
        when=points[-1][0].when,
        evidence=evidence,
        summary=summary,
    )


def _alliance_alerts(
    rule: MeasureRule, scored: list[tuple[Observation, float]]
) -> tuple[list[Alert], AlertCondition]:
    """Below the cut-off, or dropped from the previous score: by the rule's reliable
    change when it has one, otherwise by any amount (SRS: any drop)."""
    alerts: list[Alert] = []
    sides = CutoffSides(rule.cutoff, rule.lower_is_better) if rule.cutoff is not None else None
    worse_side = "at or above" if rule.lower_is_better else "below"
    previous: float | None = None
    run_key = ""
    evidence: Evidence = {}
    summary = ""
    for observation, total in scored:
        reasons: list[str] = []
        evidence = {"instrument": rule.code, "score": total}
        if sides is not None and sides.is_clinical(total):
            reasons.append(f"{worse_side} the cut-off of {format_score(sides.cutoff)}")
            evidence["cutoff"] = sides.cutoff
        if previous is not None and _dropped(rule, previous, total):
            reasons.append(f"down from {format_score(previous)} at the previous session")
            evidence["previous"] = previous
        previous = total
        if not reasons:
            run_key = ""
            fine = ["not down from the previous session"]
            if sides is not None:
                fine.insert(0, f"not {worse_side} the cut-off of {format_score(sides.cutoff)}")
            summary = f"{rule.name} {format_score(total)}: {' and '.join(fine)}."
            continue
        summary = f"{rule.name} {format_score(total)}: {' and '.join(reasons)}."
        if not run_key:
            run_key = f"alliance:{rule.code}:{observation.assessment_id}"
            alerts.append(
                Alert(
                    kind="alliance",
                    key=run_key,
                    instrument=rule.code,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence=evidence,
                    summary=summary,
                )
            )
    return alerts, AlertCondition(
        kind="alliance",
        instrument=rule.code,
        holds=bool(run_key),
        key=run_key,
        when=scored[-1][0].when,
        evidence=evidence,
        summary=summary,
    )


def _dropped(rule: MeasureRule, previous: float, total: float) -> bool:
    if rule.has_change_rule:
        return rule.reliable_change(previous, total).direction == "deteriorated"
    drop = total - previous if rule.lower_is_better else previous - total
    return drop > SCORE_TOLERANCE


def _missed_measures(
    history: EpisodeHistory, threshold: int
) -> tuple[list[Alert], AlertCondition] | None:
    """The run of missed measures since the last assessment; None when the history has
    no date to judge it by (nothing attended, nothing measured)."""
    ordered = sorted(history.observations, key=lambda o: (o.when, o.assessment_id))
    last = ordered[-1] if ordered else None
    missed = history.missed_in_row
    if missed < threshold:
        if last is None:
            return None
        if missed == 0:
            summary = f"A measure was recorded on {last.when.isoformat()}; none missed since."
        else:
            summary = (
                f"{missed} measure{'s' if missed > 1 else ''} missed in a row since "
                f"{last.when.isoformat()}, fewer than the {threshold} that raise this alert."
            )
        return [], AlertCondition(
            kind="missed_measures",
            instrument=None,
            holds=False,
            key="",
            when=history.latest_date("the missed-measures condition"),
            evidence={"missed_in_row": missed, "threshold": threshold},
            summary=summary,
        )
    evidence: Evidence = {"missed_in_row": missed, "threshold": threshold}
    since = "since the start of the episode"
    if last is not None:
        evidence["last_assessment_id"] = last.assessment_id
        evidence["last_date"] = last.when.isoformat()
        since = f"since {last.when.isoformat()}"
    alert = Alert(
        kind="missed_measures",
        key=f"missed_measures:after:{last.assessment_id if last is not None else 'start'}",
        instrument=None,
        source_id=None,
        when=history.latest_date("the missed-measures alert"),
        evidence=evidence,
        summary=f"{missed} measures missed in a row {since}.",
    )
    return [alert], AlertCondition(
        kind=alert.kind,
        instrument=None,
        holds=True,
        key=alert.key,
        when=alert.when,
        evidence=evidence,
        summary=alert.summary,
    )
