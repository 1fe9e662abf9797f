"""Milestones: small steps worth celebrating (CLINICAL.md section 9).

`detect_milestones` is a pure function of the episode's history. Each milestone is
detected at the first observation that meets its rule and has a key that is the same
every time it is detected, so the app stores each one once.
"""

from collections.abc import Mapping, Sequence
from itertools import groupby

from strides.progress.change import CutoffSides
from strides.progress.events import Milestone
from strides.progress.goals import GOAL_HIGH_RATING, goal_rated_high, goal_reliably_improved
from strides.progress.history import (
    ALLIANCE_INSTRUMENTS,
    EpisodeHistory,
    GoalRatingPoint,
    MeasureRule,
    Observation,
)
from strides.progress.wording import (
    change_evidence,
    describe_change,
    format_score,
    functional_side_words,
    ordinal,
)

# Attended sessions worth marking: the 5th, 10th and 20th.
ATTENDANCE_MILESTONES = (5, 10, 20)
# End reasons that count as a planned ending.
PLANNED_END_REASONS = frozenset({"planned"})


def detect_milestones(
    history: EpisodeHistory,
    rules: Mapping[str, MeasureRule],
    *,
    alliance_instruments: frozenset[str] = ALLIANCE_INSTRUMENTS,
    planned_end_reasons: frozenset[str] = PLANNED_END_REASONS,
) -> list[Milestone]:
    """Every milestone reached in the episode so far, oldest first.

    Measure milestones need the instrument's MeasureRule: first_measure always,
    first_reliable_improvement a reliable-change rule, below_cutoff a cut-off,
    reliable_recovery both. Alliance instruments are left out.
    """
    found: list[Milestone] = []
    for code in history.instruments():
        rule = rules.get(code)
        scored = history.scored(code)
        if rule is not None and code not in alliance_instruments and scored:
            found += _measure_milestones(rule, scored)
    found += _goal_milestones(history.goal_ratings)
    found += _attendance_milestones(history)
    if history.ended and history.end_reason in planned_end_reasons:
        found += _ending_well(history, rules, alliance_instruments)
    return sorted(found, key=lambda m: (m.when, m.key))


def _measure_milestones(
    rule: MeasureRule, scored: list[tuple[Observation, float]]
) -> list[Milestone]:
    first, intake = scored[0]
    found = [
        Milestone(
            kind="first_measure",
            key=f"first_measure:{rule.code}",
            instrument=rule.code,
            source_id=first.assessment_id,
            when=first.when,
            evidence={
                "instrument": rule.code,
                "score": intake,
                "assessment_id": first.assessment_id,
            },
            summary=f"Baseline set: {rule.name} {format_score(intake)}.",
        )
    ]
    later = scored[1:]
    if rule.has_change_rule:
        found += _first_reliable_improvement(rule, intake, later)
    if rule.cutoff is not None:
        found += _below_cutoff(rule, rule.cutoff, intake, later)
    if rule.cutoff is not None and rule.has_change_rule:
        found += _reliable_recovery(rule, rule.cutoff, intake, later)
    return found


def _first_reliable_improvement(
    rule: MeasureRule, intake: float, later: list[tuple[Observation, float]]
) -> list[Milestone]:
    for observation, total in later:
        rc = rule.reliable_change(intake, total)
        if rc.direction == "improved":
            return [
                Milestone(
                    kind="first_reliable_improvement",
                    key=f"first_reliable_improvement:{rule.code}",
                    instrument=rule.code,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence={"instrument": rule.code, **change_evidence(rc)},
                    summary=(
                        f"{rule.name} reliably improved for the first time: "
                        f"{format_score(intake)} → {format_score(total)} "
                        f"({describe_change(rc)})."
                    ),
                )
            ]
    return []


def _below_cutoff(
    rule: MeasureRule, cutoff: float, intake: float, later: list[tuple[Observation, float]]
) -> list[Milestone]:
    """The first score on the functional side, when the intake was not already there."""
    sides = CutoffSides(cutoff, rule.lower_is_better)
    if sides.is_functional(intake):
        return []
    for observation, total in later:
        if sides.is_functional(total):
            better_side = functional_side_words(rule.lower_is_better)
            return [
                Milestone(
                    kind="below_cutoff",
                    key=f"below_cutoff:{rule.code}",
                    instrument=rule.code,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence={
                        "instrument": rule.code,
                        "intake": intake,
                        "score": total,
                        "cutoff": cutoff,
                    },
                    summary=(
                        f"{rule.name} {better_side} {format_score(cutoff)} for the first time: "
                        f"{format_score(intake)} → {format_score(total)}."
                    ),
                )
            ]
    return []


def _reliable_recovery(
    rule: MeasureRule, cutoff: float, intake: float, later: list[tuple[Observation, float]]
) -> list[Milestone]:
    for observation, total in later:
        significance = rule.clinical_significance(intake, total)
        if significance.category == "recovered":
            better_side = functional_side_words(rule.lower_is_better)
            return [
                Milestone(
                    kind="reliable_recovery",
                    key=f"reliable_recovery:{rule.code}",
                    instrument=rule.code,
                    source_id=observation.assessment_id,
                    when=observation.when,
                    evidence={
                        "instrument": rule.code,
                        "cutoff": cutoff,
                        **change_evidence(significance.reliable_change),
                    },
                    summary=(
                        f"{rule.name} reliable recovery: {format_score(intake)} → "
                        f"{format_score(total)}, now {better_side} the cut-off of "
                        f"{format_score(cutoff)} and reliably improved."
                    ),
                )
            ]
    return []


def _goal_milestones(ratings: Sequence[GoalRatingPoint]) -> list[Milestone]:
    found: list[Milestone] = []
    by_goal = sorted(ratings, key=lambda r: (r.goal_id, r.when))
    for goal_id, group in groupby(by_goal, key=lambda r: r.goal_id):
        goal_ratings = list(group)
        first = goal_ratings[0]
        high = next((r for r in goal_ratings if goal_rated_high(r.rating)), None)
        if high is not None:
            found.append(
                Milestone(
                    kind="goal_high",
                    key=f"goal_high:{goal_id}",
                    instrument=None,
                    source_id=goal_id,
                    when=high.when,
                    evidence={"goal_id": goal_id, "rating": high.rating, "high": GOAL_HIGH_RATING},
                    summary=f'Goal rated {format_score(high.rating)}/10: "{high.goal_text}".',
                )
            )
        improved = next(
            (r for r in goal_ratings[1:] if goal_reliably_improved(first.rating, r.rating)), None
        )
        if improved is not None:
            change = improved.rating - first.rating
            found.append(
                Milestone(
                    kind="goal_improved",
                    key=f"goal_improved:{goal_id}",
                    instrument=None,
                    source_id=goal_id,
                    when=improved.when,
                    evidence={
                        "goal_id": goal_id,
                        "first_rating": first.rating,
                        "rating": improved.rating,
                        "change": change,
                    },
                    summary=(
                        f"Goal up {format_score(change)} points since the first rating "
                        f"({format_score(first.rating)} → {format_score(improved.rating)}/10): "
                        f'"{improved.goal_text}".'
                    ),
                )
            )
    return found


def _attendance_milestones(history: EpisodeHistory) -> list[Milestone]:
    found: list[Milestone] = []
    for count in ATTENDANCE_MILESTONES:
        if history.attended_sessions < count:
            break
        if history.attended_dates:
            when = history.attended_dates[count - 1]
        else:
            when = history.latest_date("the attendance milestone")
        found.append(
            Milestone(
                kind="attendance",
                key=f"attendance:{count}",
                instrument=None,
                source_id=None,
                when=when,
                evidence={"attended_sessions": history.attended_sessions, "milestone": count},
                summary=f"{ordinal(count)} session attended.",
            )
        )
    return found


def _ending_well(
    history: EpisodeHistory, rules: Mapping[str, MeasureRule], alliance_instruments: frozenset[str]
) -> list[Milestone]:
    """A planned ending with reliable improvement (first to last score) on at least one
    measure and reliable deterioration on none, as the Talking Therapies rule reads."""
    improved: list[MeasureRule] = []
    deteriorated: list[MeasureRule] = []
    for code in history.instruments():
        rule = rules.get(code)
        scored = history.scored(code)
        if (
            rule is None
            or code in alliance_instruments
            or not rule.has_change_rule
            or len(scored) < 2
        ):
            continue
        direction = rule.reliable_change(scored[0][1], scored[-1][1]).direction
        if direction == "improved":
            improved.append(rule)
        elif direction == "deteriorated":
            deteriorated.append(rule)
    if not improved or deteriorated:
        return []
    names = ", ".join(rule.name for rule in improved)
    return [
        Milestone(
            kind="ending_well",
            key="ending_well",
            instrument=None,
            source_id=None,
            when=history.ended_on or history.latest_date("the ending"),
            evidence={
                "end_reason": history.end_reason or "",
                "reliably_improved": ", ".join(rule.code for rule in improved),
            },
            summary=f"Planned ending with reliable improvement on {names}.",
        )
    ]
