"""Small builders for episode histories. Rules here are test fixtures: `wellbeing`
and `alliance` use made-up numbers, not any licensed instrument's values."""

from datetime import date, timedelta

from strides.progress import EpisodeHistory, GoalRatingPoint, MeasureRule, Observation

START = date(2024, 1, 8)

PHQ9 = MeasureRule("phq9", "PHQ-9", lower_is_better=True, cutoff=10, threshold=6)
GAD7 = MeasureRule("gad7", "GAD-7", lower_is_better=True, cutoff=8, threshold=4)
WELLBEING = MeasureRule("wellbeing", "Wellbeing", lower_is_better=False, cutoff=13, threshold=5)
ALLIANCE = MeasureRule("srs", "Alliance", lower_is_better=False, cutoff=36, threshold=None)
RULES = {rule.code: rule for rule in (PHQ9, GAD7, WELLBEING, ALLIANCE)}


def week(session: int) -> date:
    return START + timedelta(weeks=session - 1)


def obs(
    assessment_id: int,
    instrument: str,
    session: int,
    total: float | None,
    *flags: str,
) -> Observation:
    return Observation(
        assessment_id=assessment_id,
        instrument=instrument,
        when=week(session),
        session=session,
        total=total,
        flags=frozenset(flags),
    )


def series(instrument: str, *totals: float, first_id: int = 1) -> list[Observation]:
    """One observation a session from session 1, ids counting from first_id."""
    return [obs(first_id + i, instrument, i + 1, total) for i, total in enumerate(totals)]


def rating(
    goal_id: int, session: int, value: float, text: str = "Go back to work"
) -> GoalRatingPoint:
    return GoalRatingPoint(goal_id=goal_id, goal_text=text, when=week(session), rating=value)


def history(
    observations: list[Observation] | None = None,
    goal_ratings: list[GoalRatingPoint] | None = None,
    *,
    attended: int = 0,
    ended: bool = False,
    end_reason: str | None = None,
    missed: int = 0,
    attended_dates: list[date] | None = None,
    ended_on: date | None = None,
) -> EpisodeHistory:
    return EpisodeHistory(
        observations=observations or [],
        goal_ratings=goal_ratings or [],
        attended_sessions=attended,
        ended=ended,
        end_reason=end_reason,
        missed_in_row=missed,
        attended_dates=attended_dates or [],
        ended_on=ended_on,
    )
