import math
from pathlib import Path
from typing import Any

import pytest

from strides.progress import (
    DEFAULT_TRAJECTORIES,
    NO_EXPECTED_CURVE,
    PUBLISHED_COURSES,
    TRACKING_MIN_SESSION,
    MeasureRule,
    PublishedCourse,
    TrajectoryParams,
    band,
    expected_score,
    summarise_measure,
    track_status,
    trajectory_from_course,
)
from strides.progress.wording import format_score

PARAMS = TrajectoryParams(beta0=0.0, beta1=-0.2, sigma=3.0)
PHQ9_RULE = {"cutoff": 10, "threshold": 6}


def status(series, params=PARAMS, **rule):
    return track_status(series, params, **(PHQ9_RULE | rule))


def test_expected_score_at_intake_is_the_intake():
    assert expected_score(18, 1, PARAMS) == 18


def test_expected_score_follows_the_log_curve():
    # b(18) = 0 - 0.2 * 18 = -3.6
    assert expected_score(18, 5, PARAMS) == pytest.approx(18 - 3.6 * math.log(5))


def test_band_is_zero_at_intake_and_z_sigma_after():
    assert band(1, PARAMS) == 0
    assert band(2, PARAMS) == pytest.approx(1.645 * 3.0)
    assert band(12, PARAMS) == band(2, PARAMS)


def test_defaults_come_from_published_figures_marked_verify():
    assert set(DEFAULT_TRAJECTORIES) == {"phq9", "gad7"}
    for params in DEFAULT_TRAJECTORIES.values():
        assert params.z == 1.645
        assert params.beta0 == 0
        assert "verify" in params.source
        assert "Recalibrate" in params.source


@pytest.mark.parametrize(
    ("code", "first", "last", "sd"), [("phq9", 17.4, 8.4, 7.5), ("gad7", 12.6, 6.3, 6.0)]
)
def test_default_curve_passes_through_the_published_last_mean(code, first, last, sd):
    params = DEFAULT_TRAJECTORIES[code]
    # expected(t) = y0 + beta1·y0·ln t reaches the last mean at the mean 6.9 sessions
    assert first + params.beta1 * first * math.log(6.9) == pytest.approx(last)
    assert params.sigma == sd  # the published SD of the last scores
    course = PUBLISHED_COURSES[code]
    assert (course.first_mean, course.last_mean, course.last_sd, course.sessions) == (
        first,
        last,
        sd,
        6.9,
    )


def test_phq9_default_numbers_match_the_arithmetic_in_the_docs():
    phq9 = DEFAULT_TRAJECTORIES["phq9"]
    assert phq9.beta1 == pytest.approx(-0.2678, abs=5e-5)
    assert DEFAULT_TRAJECTORIES["gad7"].beta1 == pytest.approx(-0.2589, abs=5e-5)
    assert expected_score(20, 7, phq9) == pytest.approx(20 * (1 - 0.26779 * math.log(7)), abs=1e-3)


def test_trajectory_from_course_refuses_a_course_it_cannot_fit():
    with pytest.raises(ValueError, match="more than 1 session"):
        trajectory_from_course(PublishedCourse(17.4, 8.4, 7.5, 1, "x"))


def test_core10_has_no_default_curve_and_its_summary_says_so():
    assert "core10" not in DEFAULT_TRAJECTORIES
    rule = MeasureRule("core10", "CORE-10", lower_is_better=True, cutoff=11, threshold=6)
    summary = summarise_measure(rule, [(1, 20), (3, 14)], None)
    assert summary.status is None
    assert (
        summary.explanation == "No expected curve for this measure, so it has no on-track status."
    )
    assert NO_EXPECTED_CURVE == "No expected curve for this measure"


def test_on_track_inside_the_band():
    result = status([(1, 18), (3, 15), (5, 13)])
    assert result.status == "on_track"
    assert result.observed == 13
    assert result.session == 5


def test_not_on_track_above_the_band():
    result = status([(1, 18), (3, 17), (6, 19)])
    assert result.status == "not_on_track"
    assert result.observed > result.expected + result.band


def test_exactly_on_the_upper_band_is_on_track():
    expected = expected_score(18, 4, PARAMS) + band(4, PARAMS)
    assert status([(1, 18), (4, expected)]).status == "on_track"


def test_too_early_with_one_score():
    result = status([(1, 18)])
    assert result.status == "too_early"
    assert result.expected == 18
    assert result.band == 0


def test_too_early_before_session_3_even_if_far_off():
    assert TRACKING_MIN_SESSION == 3
    assert status([(1, 12), (2, 27)]).status == "too_early"
    assert status([(1, 12), (3, 27)]).status == "not_on_track"


def test_sessions_count_from_the_first_score():
    # first score at session 2: session 3 is the 2nd session from intake, still too early
    assert status([(2, 12), (3, 27)]).status == "too_early"
    result = status([(2, 18), (5, 13)])
    assert result.expected == pytest.approx(expected_score(18, 4, PARAMS))


def test_recovered_when_functional_after_clinical_with_reliable_improvement():
    result = status([(1, 18), (2, 9)])
    assert result.status == "recovered"
    assert "recovered" in result.explanation


def test_below_cutoff_without_reliable_improvement_is_not_recovered():
    assert status([(1, 12), (4, 8)]).status == "on_track"


def test_recovered_needs_a_cutoff():
    result = track_status([(1, 18), (2, 9)], PARAMS, cutoff=None)
    assert result.status == "too_early"


def test_higher_is_better_not_on_track_below_the_band():
    params = TrajectoryParams(beta0=0.0, beta1=0.1, sigma=2.0)
    who5: dict[str, Any] = {"cutoff": 13, "threshold": 5, "lower_is_better": False}
    assert track_status([(1, 8), (3, 9), (5, 10)], params, **who5).status == "on_track"
    result = track_status([(1, 8), (3, 7), (6, 5)], params, **who5)
    assert result.status == "not_on_track"
    assert "below the band" in result.explanation
    assert "down to" in result.explanation
    assert track_status([(1, 8), (3, 16)], params, **who5).status == "recovered"


@pytest.mark.parametrize(
    "series", [[(1, 18), (3, 15), (5, 13)], [(1, 18), (3, 17), (6, 19)], [(1, 18)]]
)
def test_explanation_gives_intake_expected_band_and_observed(series):
    result = status(series)
    for number in (result.intake, result.expected, result.band, result.observed):
        assert format_score(number) in result.explanation
    assert f"session {result.session}" in result.explanation


def test_explanation_reads_as_one_sentence():
    explanation = status([(1, 18), (3, 17), (6, 19)]).explanation
    assert explanation.endswith(".")
    assert explanation.startswith("At session 6 the score is 19; from an intake of 18")
    assert ". " not in explanation


def test_series_order_does_not_matter():
    assert status([(5, 13), (1, 18), (3, 15)]) == status([(1, 18), (3, 15), (5, 13)])


@pytest.mark.parametrize(
    ("series", "message"),
    [
        ([], "no scores"),
        ([(1, 18), (1, 17)], "session 1 appears twice"),
        ([(0, 18)], "whole number from 1"),
        ([(1.5, 18)], "whole number from 1"),
        ([(1, math.nan)], "score must be a finite number"),
    ],
)
def test_invalid_series_is_refused(series, message):
    with pytest.raises(ValueError, match=message):
        status(series)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sigma": -1}, "sigma cannot be negative"),
        ({"z": 0}, "z must be positive"),
        ({"beta1": math.nan}, "beta1 must be a finite number"),
    ],
)
def test_invalid_parameters_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrajectoryParams(**({"beta0": 0.0, "beta1": -0.2, "sigma": 3.0} | kwargs))


def test_each_definition_file_cites_the_source_of_its_default_curve():
    definitions = Path(__file__).parents[2] / "strides" / "instruments" / "definitions"
    for code in ("phq9", "gad7"):
        text = (definitions / f"{code}.toml").read_text(encoding="utf-8")
        course = PUBLISHED_COURSES[code]
        assert "# Expected trajectory" in text
        assert "COBRA" in text and "Richards" in text and "6.9" in text
        assert f"last {course.last_mean} (SD {course.last_sd})" in text
    core10 = (definitions / "core10.toml").read_text(encoding="utf-8")
    assert "No expected curve for this measure" in core10
