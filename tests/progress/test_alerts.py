import pytest
from hypothesis import given
from hypothesis import strategies as st

from strides.progress import (
    DEFAULT_TRAJECTORIES,
    MISSED_MEASURES_THRESHOLD,
    RISK_FLAG,
    RISK_UNANSWERED_FLAG,
    TrajectoryParams,
    detect_alerts,
    track_status,
)

from .builders import ALLIANCE, RULES, history, obs, series, week


def raised(*args, **kwargs):
    return detect_alerts(*args, **kwargs).raised


def of_kind(alerts, kind):
    return [a for a in alerts if a.kind == kind]


def by_key(alerts):
    return {a.key: a for a in alerts}


def test_risk_flag_raises_an_immediate_alert_per_assessment():
    observations = [obs(41, "phq9", 1, 18, RISK_FLAG), obs(42, "phq9", 2, 16)]
    alerts = of_kind(raised(history(observations), RULES), "risk")
    assert len(alerts) == 1
    risk = alerts[0]
    assert risk.key == "risk:41"
    assert risk.source_id == 41
    assert risk.immediate
    assert risk.when == week(1)
    assert risk.summary == (
        "A risk item on the PHQ-9 of 2024-01-08 was answered above 0: "
        "please review it with the client."
    )


def test_risk_flag_on_an_incomplete_assessment_without_a_rule_still_alerts():
    alerts = raised(history([obs(5, "core10", 1, None, RISK_FLAG)]), {})
    assert [a.key for a in alerts] == ["risk:5"]


@given(
    st.lists(
        st.sampled_from([(), (RISK_FLAG,), (RISK_UNANSWERED_FLAG,), ("prorated",)]), max_size=12
    )
)
def test_risk_alert_exactly_when_the_risk_flag_is_present(flag_sets):
    observations = [obs(i + 1, "phq9", i + 1, 12, *flags) for i, flags in enumerate(flag_sets)]
    alerts = raised(history(observations), RULES)
    flagged = {o.assessment_id for o in observations if RISK_FLAG in o.flags}
    assert {a.source_id for a in of_kind(alerts, "risk")} == flagged
    assert len(of_kind(alerts, "risk")) == len(flagged)
    unanswered = {o.assessment_id for o in observations if RISK_UNANSWERED_FLAG in o.flags}
    assert {a.source_id for a in of_kind(alerts, "risk_unanswered")} == unanswered


def test_unanswered_risk_item_prompts_without_being_immediate():
    alert = raised(history([obs(8, "phq9", 1, 12, RISK_UNANSWERED_FLAG)]), RULES)[0]
    assert alert.key == "risk_unanswered:8"
    assert not alert.immediate
    assert "not answered" in alert.summary


def test_reliable_deterioration_from_intake_at_any_session():
    alerts = of_kind(raised(history(series("phq9", 8, 10, 14)), RULES), "reliable_deterioration")
    assert [a.key for a in alerts] == ["reliable_deterioration:phq9:3"]
    assert alerts[0].evidence["intake"] == 8
    assert alerts[0].evidence["score"] == 14
    assert alerts[0].summary == (
        "PHQ-9 reliably worse than at intake: 8 → 14 at session 3 "
        "(a change of +6 points; reliable change is 6 points)."
    )


def test_reliable_deterioration_is_raised_once_per_run():
    alerts = raised(history(series("phq9", 8, 14, 15, 9, 16)), RULES)
    keys = [a.key for a in of_kind(alerts, "reliable_deterioration")]
    assert keys == ["reliable_deterioration:phq9:2", "reliable_deterioration:phq9:5"]


def test_higher_is_better_deterioration_is_a_fall():
    alerts = raised(history(series("wellbeing", 20, 14)), RULES)
    assert [a.key for a in of_kind(alerts, "reliable_deterioration")] == [
        "reliable_deterioration:wellbeing:2"
    ]
    assert raised(history(series("wellbeing", 14, 20)), RULES) == []


def test_not_on_track_uses_the_track_status_explanation():
    observations = series("phq9", 18, 22, 27)
    alerts = of_kind(raised(history(observations), RULES), "not_on_track")
    assert len(alerts) == 1
    alert = alerts[0]
    expected = track_status(
        [(1, 18), (2, 22), (3, 27)], DEFAULT_TRAJECTORIES["phq9"], cutoff=10, threshold=6
    )
    assert expected.status == "not_on_track"
    assert alert.key == "not_on_track:phq9:3"
    assert alert.summary == f"PHQ-9: {expected.explanation}"
    assert alert.evidence["expected"] == expected.expected
    assert alert.evidence["band"] == expected.band
    assert alert.evidence["intake"] == 18
    assert alert.evidence["observed"] == 27
    assert "COBRA" in str(alert.evidence["parameters"])


def test_not_on_track_is_raised_again_only_after_getting_back_on_track():
    alerts = raised(history(series("phq9", 18, 22, 27, 27, 10, 27)), RULES)
    keys = [a.key for a in of_kind(alerts, "not_on_track")]
    assert keys == ["not_on_track:phq9:3", "not_on_track:phq9:6"]


def test_not_on_track_uses_the_given_parameters():
    wide = {"phq9": TrajectoryParams(beta0=0, beta1=-0.2, sigma=20)}
    observations = series("phq9", 18, 18, 18, 18)
    assert (
        of_kind(raised(history(observations), RULES, trajectory_params=wide), "not_on_track") == []
    )
    assert of_kind(raised(history(observations), RULES, trajectory_params={}), "not_on_track") == []


def test_alliance_below_cutoff():
    alerts = of_kind(raised(history(series("srs", 34)), RULES), "alliance")
    assert [a.key for a in alerts] == ["alliance:srs:1"]
    assert alerts[0].summary == "Alliance 34: below the cut-off of 36."
    assert alerts[0].evidence == {"instrument": "srs", "score": 34, "cutoff": 36}


def test_alliance_drop_from_previous_session():
    alerts = of_kind(raised(history(series("srs", 39, 38.5, 38.5, 34)), RULES), "alliance")
    assert [a.key for a in alerts] == ["alliance:srs:2", "alliance:srs:4"]
    assert alerts[0].summary == "Alliance 38.5: down from 39 at the previous session."
    assert alerts[1].summary == (
        "Alliance 34: below the cut-off of 36 and down from 38.5 at the previous session."
    )


def test_alliance_drop_uses_the_rules_threshold_when_it_has_one():
    rules = RULES | {"srs": ALLIANCE.__class__("srs", "Alliance", False, 36, threshold=1)}
    alerts = of_kind(raised(history(series("srs", 39, 38.5, 37.5)), rules), "alliance")
    assert [a.key for a in alerts] == ["alliance:srs:3"]


def test_alliance_set_is_configurable():
    alerts = raised(history(series("srs", 34)), RULES, alliance_instruments=frozenset())
    assert of_kind(alerts, "alliance") == []


def test_missed_measures_in_a_row():
    assert MISSED_MEASURES_THRESHOLD == 3
    episode = history(series("phq9", 12, 11), missed=3)
    alert = of_kind(raised(episode, RULES), "missed_measures")[0]
    assert alert.key == "missed_measures:after:2"
    assert alert.summary == "3 measures missed in a row since 2024-01-15."
    assert alert.evidence["missed_in_row"] == 3
    assert of_kind(raised(history(series("phq9", 12), missed=2), RULES), "missed_measures") == []


def test_missed_measures_threshold_is_configurable():
    episode = history(series("phq9", 12), missed=2)
    assert of_kind(raised(episode, RULES, missed_threshold=2), "missed_measures")
    with pytest.raises(ValueError, match="missed_threshold must be at least 1"):
        detect_alerts(episode, RULES, missed_threshold=0)


def test_missed_measures_before_any_assessment_uses_the_attended_dates():
    episode = history(missed=3, attended=3, attended_dates=[week(1), week(2), week(3)])
    alert = raised(episode, RULES)[0]
    assert alert.key == "missed_measures:after:start"
    assert alert.when == week(3)
    assert alert.summary == "3 measures missed in a row since the start of the episode."


def test_keys_are_stable_when_run_twice_and_unique():
    observations = (
        series("phq9", 8, 18, 18, 19, 20)
        + series("srs", 39, 34, first_id=20)
        + [obs(30, "gad7", 2, 12, RISK_FLAG, RISK_UNANSWERED_FLAG)]
    )
    episode = history(observations, missed=4)
    first_run = raised(episode, RULES)
    assert first_run == raised(episode, RULES)
    keys = [a.key for a in first_run]
    assert len(keys) == len(set(keys))
    assert {a.kind for a in first_run} == {
        "risk",
        "risk_unanswered",
        "reliable_deterioration",
        "not_on_track",
        "alliance",
        "missed_measures",
    }


def test_new_scores_do_not_change_alerts_already_raised():
    before = raised(history(series("phq9", 8, 15)), RULES)
    after = raised(history(series("phq9", 8, 15, 16, 9, 17)), RULES)
    assert all(alert in after for alert in before)


def test_a_client_doing_well_raises_no_alerts():
    assert raised(history(series("phq9", 18, 15, 12, 9)), RULES) == []
