"""What the engine says holds now: the conditions behind self-closing alerts."""

from strides.progress import DEFAULT_TRAJECTORIES, RISK_FLAG, TrajectoryParams, detect_alerts
from strides.progress.alerts import SELF_CLOSING_KINDS

from .builders import RULES, history, obs, series, week

PARAMS = {"phq9": TrajectoryParams(beta0=0, beta1=-0.2, sigma=2)}  # band ±3.29


def condition(reading, kind, instrument="phq9"):
    (found,) = [c for c in reading.now if c.kind == kind and c.instrument == instrument]
    return found


def test_not_on_track_holds_with_the_run_key_then_clears_back_inside_the_band():
    off = detect_alerts(history(series("phq9", 20, 20, 20)), RULES, trajectory_params=PARAMS)
    now = condition(off, "not_on_track")
    assert now.holds
    assert now.key == "not_on_track:phq9:3" == off.raised[-1].key
    back = detect_alerts(history(series("phq9", 20, 20, 20, 12)), RULES, trajectory_params=PARAMS)
    cleared = condition(back, "not_on_track")
    assert not cleared.holds
    assert cleared.key == ""
    assert cleared.when == week(4)
    assert cleared.summary.startswith("PHQ-9: At session 4 the score is 12; from an intake of 20")
    assert "so the client is on track" in cleared.summary
    # What was raised stays raised: the run that started at session 3.
    assert [a.key for a in back.raised if a.kind == "not_on_track"] == ["not_on_track:phq9:3"]


def test_the_condition_carries_the_latest_numbers_of_a_run_in_progress():
    reading = detect_alerts(
        history(series("phq9", 20, 20, 20, 22)), RULES, trajectory_params=PARAMS
    )
    now = condition(reading, "not_on_track")
    assert now.holds and now.key == "not_on_track:phq9:3"
    assert (now.evidence["session"], now.evidence["observed"], now.when) == (4, 22, week(4))


def test_deterioration_clears_when_no_longer_reliably_worse():
    worse = condition(
        detect_alerts(history(series("phq9", 8, 14)), RULES), "reliable_deterioration"
    )
    assert worse.holds and worse.key == "reliable_deterioration:phq9:2"
    better = condition(
        detect_alerts(history(series("phq9", 8, 14, 10)), RULES), "reliable_deterioration"
    )
    assert not better.holds
    assert better.summary == (
        "PHQ-9 no longer reliably worse than at intake: 8 → 10 at session 3 "
        "(a change of +2 points; reliable change is 6 points)."
    )


def test_missed_measures_clear_when_a_measure_arrives():
    missed = detect_alerts(history(series("phq9", 12), missed=3), RULES)
    assert condition(missed, "missed_measures", None).holds
    measured = detect_alerts(history(series("phq9", 12, 11), missed=0), RULES)
    cleared = condition(measured, "missed_measures", None)
    assert not cleared.holds
    assert cleared.summary == "A measure was recorded on 2024-01-15; none missed since."
    fewer = condition(
        detect_alerts(history(series("phq9", 12), missed=2), RULES), "missed_measures", None
    )
    assert fewer.summary == (
        "2 measures missed in a row since 2024-01-08, fewer than the 3 that raise this alert."
    )


def test_alliance_clears_when_the_latest_score_is_fine_again():
    low = condition(detect_alerts(history(series("srs", 39, 34)), RULES), "alliance", "srs")
    assert low.holds and low.key == "alliance:srs:2"
    fine = condition(detect_alerts(history(series("srs", 39, 34, 38)), RULES), "alliance", "srs")
    assert not fine.holds
    assert (
        fine.summary
        == "Alliance 38: not below the cut-off of 36 and not down from the previous session."
    )


def test_nothing_holds_once_the_episode_has_ended():
    ended = history(series("phq9", 20, 20, 20), ended=True, ended_on=week(5))
    reading = detect_alerts(ended, RULES, trajectory_params=PARAMS)
    off = condition(reading, "not_on_track")
    assert not off.holds
    assert off.when == week(5)
    assert off.summary.startswith("The episode ended on 2024-02-05")
    assert [a.kind for a in reading.raised] == ["not_on_track"]


def test_risk_alerts_have_no_condition():
    reading = detect_alerts(history([obs(1, "phq9", 1, 18, RISK_FLAG)]), RULES)
    assert [a.kind for a in reading.raised] == ["risk"]
    assert {c.kind for c in reading.now} <= SELF_CLOSING_KINDS
    assert "risk" not in SELF_CLOSING_KINDS and "risk_unanswered" not in SELF_CLOSING_KINDS


def test_every_holding_condition_names_a_raised_alert():
    observations = series("phq9", 8, 18, 18, 19, 20) + series("srs", 39, 34, first_id=20)
    reading = detect_alerts(
        history(observations, missed=4), RULES, trajectory_params=DEFAULT_TRAJECTORIES
    )
    raised = {a.key for a in reading.raised}
    holding = [c for c in reading.now if c.holds]
    assert holding
    assert all(c.key in raised for c in holding)
