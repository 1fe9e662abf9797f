"""An episode's history as plain values: what the milestone and alert rules read."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from strides.progress.change import (
    ChangeRule,
    ClinicalSignificance,
    ReliableChange,
    clinical_significance,
    reliable_change,
)
from strides.progress.goals import validate_goal_rating
from strides.progress.validation import require_finite

# Flags an assessment can carry (CLINICAL.md section 1: risk items).
RISK_FLAG = "risk"  # a risk item answered above 0
RISK_UNANSWERED_FLAG = "risk_unanswered"  # a risk item left unanswered

# Instruments that measure the therapeutic alliance rather than outcome (e.g. SRS): they
# get the alliance alert and are left out of the outcome milestones and alerts.
ALLIANCE_INSTRUMENTS = frozenset({"srs"})


@dataclass(frozen=True)
class Observation:
    """One assessment's total; `total` is None when the assessment is incomplete."""

    assessment_id: int
    instrument: str
    when: datetime.date
    session: int  # session number within the episode, 1 = intake
    total: float | None
    flags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.total is not None:
            require_finite(self.total, f"total of assessment {self.assessment_id}")
        if self.session < 1:
            raise ValueError(
                f"assessment {self.assessment_id}: session numbers start at 1, got {self.session}"
            )


@dataclass(frozen=True)
class MeasureRule:
    """What the rules need to know about an instrument.

    Reliable change uses either a published `threshold` in points (>=) or `sd` and
    `reliability` (RCI, > 1.96), never both; with neither, no reliable-change rule runs.
    `cutoff` None: no cut-off rule runs.
    """

    code: str
    name: str
    lower_is_better: bool
    cutoff: float | None
    threshold: float | None
    sd: float | None = None
    reliability: float | None = None

    def __post_init__(self) -> None:
        if self.cutoff is not None:
            require_finite(self.cutoff, f"{self.code} cutoff")
        if self.has_change_rule:
            try:
                ChangeRule.from_args(
                    sd=self.sd, reliability=self.reliability, threshold=self.threshold
                )
            except ValueError as error:
                raise ValueError(f"{self.code}: {error}") from None

    @property
    def has_change_rule(self) -> bool:
        return self.threshold is not None or self.sd is not None or self.reliability is not None

    def clinical_significance(self, pre: float, post: float) -> ClinicalSignificance:
        if self.cutoff is None:
            raise ValueError(f"{self.code} has no cut-off")
        return clinical_significance(
            pre,
            post,
            cutoff=self.cutoff,
            sd=self.sd,
            reliability=self.reliability,
            threshold=self.threshold,
            lower_is_better=self.lower_is_better,
        )

    def reliable_change(self, pre: float, post: float) -> ReliableChange:
        return reliable_change(
            pre,
            post,
            sd=self.sd,
            reliability=self.reliability,
            threshold=self.threshold,
            lower_is_better=self.lower_is_better,
        )


@dataclass(frozen=True)
class GoalRatingPoint:
    goal_id: int
    goal_text: str
    when: datetime.date
    rating: float  # 0-10

    def __post_init__(self) -> None:
        validate_goal_rating(self.rating)


@dataclass(frozen=True)
class EpisodeHistory:
    """Everything the rules read about one episode.

    `attended_dates` (optional, oldest first, one per attended session) dates the
    attendance milestones and `ended_on` the ending; without them, those events and the
    missed-measures alert are dated by the latest date in the history.
    `attended_sessions` counts every attended appointment (assessment or treatment);
    `treatment_sessions` only the attended treatment appointments, which is what a
    finished Talking Therapies course counts (CLINICAL.md section 5).
    """

    observations: Sequence[Observation]
    goal_ratings: Sequence[GoalRatingPoint]
    attended_sessions: int
    ended: bool
    end_reason: str | None
    missed_in_row: int
    attended_dates: Sequence[datetime.date] = ()
    ended_on: datetime.date | None = None
    treatment_sessions: int = 0

    def __post_init__(self) -> None:
        if self.attended_sessions < 0 or self.missed_in_row < 0:
            raise ValueError("attended_sessions and missed_in_row cannot be negative")
        if not 0 <= self.treatment_sessions <= self.attended_sessions:
            raise ValueError(
                f"treatment_sessions must be between 0 and the {self.attended_sessions} "
                f"attended sessions, got {self.treatment_sessions}"
            )
        if self.attended_dates and len(self.attended_dates) != self.attended_sessions:
            raise ValueError(
                f"attended_dates has {len(self.attended_dates)} dates for "
                f"{self.attended_sessions} attended sessions"
            )
        if list(self.attended_dates) != sorted(self.attended_dates):
            raise ValueError("attended_dates must be in order, oldest first")

    def scored(self, instrument: str) -> list[tuple[Observation, float]]:
        """The instrument's observations that have a total, with it, in session and date order."""
        ordered = sorted(
            (o for o in self.observations if o.instrument == instrument),
            key=lambda o: (o.session, o.when, o.assessment_id),
        )
        return [(o, o.total) for o in ordered if o.total is not None]

    def instruments(self) -> list[str]:
        """Instrument codes in the order they were first used."""
        ordered = sorted(self.observations, key=lambda o: (o.when, o.session, o.assessment_id))
        return list(dict.fromkeys(o.instrument for o in ordered))

    def latest_date(self, what: str) -> datetime.date:
        """The latest date anywhere in the history, to date an event that has none of its own."""
        dates = [o.when for o in self.observations]
        dates += [g.when for g in self.goal_ratings]
        dates += list(self.attended_dates)
        if self.ended_on is not None:
            dates.append(self.ended_on)
        if not dates:
            raise ValueError(f"cannot date {what}: the history holds no dates; give attended_dates")
        return max(dates)
