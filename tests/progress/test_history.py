import math
from datetime import date

import pytest

from strides.progress import EpisodeHistory, GoalRatingPoint, MeasureRule, Observation

from .builders import history, obs, week


def test_observation_refuses_nan_total():
    with pytest.raises(ValueError, match="total of assessment 3 must be a finite number"):
        Observation(3, "phq9", date(2024, 1, 1), 1, math.nan, frozenset())


def test_observation_refuses_session_zero():
    with pytest.raises(ValueError, match="session numbers start at 1"):
        Observation(3, "phq9", date(2024, 1, 1), 0, 12, frozenset())


def test_measure_rule_refuses_both_threshold_and_rci():
    with pytest.raises(ValueError, match="phq9: give either sd and reliability"):
        MeasureRule("phq9", "PHQ-9", True, 10, threshold=6, sd=6, reliability=0.85)


def test_measure_rule_refuses_half_an_rci_rule():
    with pytest.raises(ValueError, match="needs both sd and reliability"):
        MeasureRule("phq9", "PHQ-9", True, 10, threshold=None, sd=6)


def test_measure_rule_without_change_rule_is_allowed():
    assert not MeasureRule("srs", "SRS", False, 36, None).has_change_rule


def test_goal_rating_outside_0_to_10_is_refused():
    with pytest.raises(ValueError, match="between 0 and 10"):
        GoalRatingPoint(1, "Sleep better", date(2024, 1, 1), 11)


def test_attended_dates_must_match_the_count_and_be_in_order():
    with pytest.raises(ValueError, match="2 dates for 3 attended sessions"):
        history(attended=3, attended_dates=[week(1), week(2)])
    with pytest.raises(ValueError, match="oldest first"):
        history(attended=2, attended_dates=[week(2), week(1)])


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        EpisodeHistory([], [], -1, False, None, 0)


def test_scored_skips_incomplete_assessments_and_sorts_by_session():
    episode = history([obs(3, "phq9", 3, 9), obs(1, "phq9", 1, 18), obs(2, "phq9", 2, None)])
    assert [(o.assessment_id, total) for o, total in episode.scored("phq9")] == [(1, 18), (3, 9)]
