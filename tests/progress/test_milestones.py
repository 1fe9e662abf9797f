from datetime import date

import pytest

from strides.progress import ATTENDANCE_MILESTONES, detect_milestones

from .builders import RULES, history, obs, rating, series, week


def kinds(milestones):
    return [m.kind for m in milestones]


def by_key(milestones):
    return {m.key: m for m in milestones}


def test_first_measure_sets_the_baseline_per_instrument():
    found = by_key(
        detect_milestones(history(series("phq9", 18) + series("gad7", 12, first_id=9)), RULES)
    )
    assert set(found) == {"first_measure:phq9", "first_measure:gad7"}
    baseline = found["first_measure:phq9"]
    assert baseline.source_id == 1
    assert baseline.when == week(1)
    assert baseline.summary == "Baseline set: PHQ-9 18."
    assert baseline.evidence["score"] == 18


def test_incomplete_assessment_does_not_set_the_baseline():
    observations = [obs(1, "phq9", 1, None), obs(2, "phq9", 2, 17)]
    baseline = by_key(detect_milestones(history(observations), RULES))["first_measure:phq9"]
    assert baseline.source_id == 2


def test_instrument_without_a_rule_has_no_milestones():
    assert detect_milestones(history(series("k10", 30, 12)), RULES) == []


def test_alliance_instrument_has_no_outcome_milestones():
    assert detect_milestones(history(series("srs", 30, 39)), RULES) == []


def test_first_reliable_improvement_fires_once_at_the_first_reliable_score():
    found = detect_milestones(history(series("phq9", 18, 15, 12, 9)), RULES)
    improvement = by_key(found)["first_reliable_improvement:phq9"]
    assert kinds(found).count("first_reliable_improvement") == 1
    assert improvement.source_id == 3  # 18 -> 12 is exactly 6 points
    assert improvement.evidence["change"] == -6
    assert improvement.summary == (
        "PHQ-9 reliably improved for the first time: 18 → 12 "
        "(a change of -6 points; reliable change is 6 points)."
    )


def test_below_cutoff_summary_in_words():
    found = by_key(detect_milestones(history(series("phq9", 14, 8)), RULES))
    below = found["below_cutoff:phq9"]
    assert below.summary == "PHQ-9 below 10 for the first time: 14 → 8."
    assert below.evidence == {"instrument": "phq9", "intake": 14, "score": 8, "cutoff": 10}


def test_below_cutoff_only_the_first_time():
    found = detect_milestones(history(series("phq9", 14, 8, 12, 7)), RULES)
    assert kinds(found).count("below_cutoff") == 1
    assert by_key(found)["below_cutoff:phq9"].source_id == 2


def test_score_on_the_cutoff_is_not_below_it():
    assert "below_cutoff:phq9" not in by_key(
        detect_milestones(history(series("phq9", 14, 10)), RULES)
    )


def test_starting_on_the_cutoff_then_below_counts():
    assert "below_cutoff:phq9" in by_key(detect_milestones(history(series("phq9", 10, 9)), RULES))


def test_starting_below_the_cutoff_is_not_a_move_below_it():
    assert "below_cutoff:phq9" not in by_key(
        detect_milestones(history(series("phq9", 8, 3)), RULES)
    )


def test_higher_is_better_milestones_go_above_the_cutoff():
    found = by_key(detect_milestones(history(series("wellbeing", 8, 11, 15)), RULES))
    assert (
        found["below_cutoff:wellbeing"].summary
        == "Wellbeing at or above 13 for the first time: 8 → 15."
    )
    assert found["first_reliable_improvement:wellbeing"].source_id == 3
    assert found["reliable_recovery:wellbeing"].source_id == 3


def test_a_score_on_the_cutoff_counts_on_the_high_side_for_the_milestone():
    # higher is better: 13 is functional, so reaching it is the milestone
    found = by_key(detect_milestones(history(series("wellbeing", 8, 13)), RULES))
    assert found["below_cutoff:wellbeing"].source_id == 2
    # lower is better: 10 is clinical, so reaching 10 is not "below the cut-off"; 9 is
    found = by_key(detect_milestones(history(series("phq9", 14, 10, 9)), RULES))
    assert found["below_cutoff:phq9"].source_id == 3
    # an intake on the cut-off is clinical, so moving below it is a milestone
    found = by_key(detect_milestones(history(series("phq9", 10, 4)), RULES))
    assert found["below_cutoff:phq9"].source_id == 2
    assert found["reliable_recovery:phq9"].source_id == 2


def test_reliable_recovery_needs_clinical_start_functional_end_and_reliable_improvement():
    found = by_key(detect_milestones(history(series("phq9", 13, 9, 6)), RULES))
    assert found["below_cutoff:phq9"].source_id == 2
    recovery = found["reliable_recovery:phq9"]
    assert recovery.source_id == 3
    assert recovery.summary == (
        "PHQ-9 reliable recovery: 13 → 6, now below the cut-off of 10 and reliably improved."
    )


def test_goal_rated_8_or_more_is_celebrated_once():
    ratings = [rating(7, 1, 4), rating(7, 2, 8), rating(7, 3, 9)]
    found = by_key(detect_milestones(history(goal_ratings=ratings), RULES))
    high = found["goal_high:7"]
    assert high.source_id == 7
    assert high.when == week(2)
    assert high.summary == 'Goal rated 8/10: "Go back to work".'


def test_goal_improved_by_the_reliable_change_value():
    ratings = [rating(3, 1, 2), rating(3, 2, 4.4), rating(3, 3, 4.45)]
    found = by_key(detect_milestones(history(goal_ratings=ratings), RULES))
    improved = found["goal_improved:3"]
    assert improved.when == week(3)
    assert improved.evidence == {
        "goal_id": 3,
        "first_rating": 2,
        "rating": 4.45,
        "change": 4.45 - 2,
    }
    assert "goal_high:3" not in found


def test_goals_are_judged_separately():
    ratings = [rating(1, 1, 2), rating(2, 1, 6), rating(1, 2, 5), rating(2, 2, 8)]
    found = by_key(detect_milestones(history(goal_ratings=ratings), RULES))
    assert set(found) == {"goal_improved:1", "goal_high:2"}


def test_attendance_milestones_are_dated_by_the_attended_sessions():
    assert ATTENDANCE_MILESTONES == (5, 10, 20)
    dates = [week(n) for n in range(1, 11)]
    found = by_key(detect_milestones(history(attended=10, attended_dates=dates), RULES))
    assert set(found) == {"attendance:5", "attendance:10"}
    assert found["attendance:5"].when == week(5)
    assert found["attendance:10"].summary == "10th session attended."


def test_attendance_without_dates_is_dated_by_the_latest_event():
    found = by_key(detect_milestones(history(series("phq9", 18, 17), attended=5), RULES))
    assert found["attendance:5"].when == week(2)


def test_attendance_with_no_date_anywhere_is_refused():
    with pytest.raises(ValueError, match="cannot date the attendance milestone"):
        detect_milestones(history(attended=5), RULES)


def test_four_attended_sessions_is_no_milestone_yet():
    found = detect_milestones(history(series("phq9", 18), attended=4), RULES)
    assert "attendance" not in kinds(found)


def test_ending_well_is_a_planned_ending_with_reliable_improvement():
    observations = series("phq9", 18, 14, 11) + series("gad7", 12, 11, 10, first_id=10)
    ended = history(observations, ended=True, end_reason="planned", ended_on=date(2024, 3, 1))
    ending = by_key(detect_milestones(ended, RULES))["ending_well"]
    assert ending.when == date(2024, 3, 1)
    assert ending.evidence == {"end_reason": "planned", "reliably_improved": "phq9"}
    assert ending.summary == "Planned ending with reliable improvement on PHQ-9."


def test_unplanned_ending_is_not_ending_well():
    dropped_out = history(series("phq9", 18, 11), ended=True, end_reason="dropped_out")
    assert "ending_well" not in by_key(detect_milestones(dropped_out, RULES))


def test_ending_without_reliable_improvement_is_not_ending_well():
    flat = history(series("phq9", 18, 15), ended=True, end_reason="planned")
    assert "ending_well" not in by_key(detect_milestones(flat, RULES))


def test_ending_with_a_reliable_deterioration_elsewhere_is_not_ending_well():
    observations = series("phq9", 18, 11) + series("gad7", 6, 12, first_id=10)
    mixed = history(observations, ended=True, end_reason="planned")
    assert "ending_well" not in by_key(detect_milestones(mixed, RULES))


def test_ending_without_an_end_date_is_dated_by_the_latest_event():
    ended = history(series("phq9", 18, 11), ended=True, end_reason="planned")
    assert by_key(detect_milestones(ended, RULES))["ending_well"].when == week(2)


def test_keys_are_stable_and_unique():
    observations = series("phq9", 18, 14, 11, 8) + series("wellbeing", 8, 15, first_id=20)
    ratings = [rating(1, 1, 2), rating(1, 4, 9)]
    dates = [week(n) for n in range(1, 6)]
    episode = history(
        observations, ratings, attended=5, attended_dates=dates, ended=True, end_reason="planned"
    )
    first_run = detect_milestones(episode, RULES)
    assert first_run == detect_milestones(episode, RULES)
    keys = [m.key for m in first_run]
    assert len(keys) == len(set(keys))


def test_new_scores_do_not_change_milestones_already_reached():
    before = detect_milestones(history(series("phq9", 18, 11)), RULES)
    after = detect_milestones(history(series("phq9", 18, 11, 7, 14)), RULES)
    assert all(milestone in after for milestone in before)


def test_milestones_come_oldest_first():
    found = detect_milestones(history(series("phq9", 18, 14, 11, 8)), RULES)
    assert [m.when for m in found] == sorted(m.when for m in found)
