import math

import pytest

from strides.progress import RCI_CRITICAL, reliable_change


def test_public_example_reproduces():
    rc = reliable_change(20, 11, sd=6, reliability=0.85)
    assert rc.se == pytest.approx(2.3238, abs=5e-5)
    assert rc.sdiff == pytest.approx(3.2863, abs=5e-5)
    assert rc.rci == pytest.approx(-2.7386, abs=5e-5)
    assert rc.threshold == pytest.approx(6.4412, abs=5e-5)
    assert rc.change == -9
    assert rc.direction == "improved"
    assert rc.reliable


def test_change_is_post_minus_pre():
    assert reliable_change(12, 15, threshold=6).change == 3


def test_published_threshold_has_no_rci():
    rc = reliable_change(18, 12, threshold=6)
    assert rc.rci is None
    assert rc.se is None
    assert rc.sdiff is None
    assert rc.threshold == 6


def test_change_exactly_at_published_threshold_is_reliable():
    assert reliable_change(18, 12, threshold=6).direction == "improved"
    assert reliable_change(12, 18, threshold=6).direction == "deteriorated"


def test_change_just_under_published_threshold_is_unchanged():
    assert reliable_change(18, 12.5, threshold=6).direction == "unchanged"
    assert reliable_change(12, 17.9, threshold=6).direction == "unchanged"


def test_fractional_totals_meet_the_threshold_despite_float_rounding():
    assert 12.2 - 6.2 < 6  # what binary floating point gives
    assert reliable_change(12.2, 6.2, threshold=6).direction == "improved"


def test_rci_exactly_1_96_is_not_reliable():
    # reliability .5 makes Sdiff = sd exactly, so the RCI is exactly 1.96
    rc = reliable_change(1.96, 0, sd=1, reliability=0.5)
    assert rc.rci == -RCI_CRITICAL
    assert rc.direction == "unchanged"
    assert reliable_change(0, 1.96, sd=1, reliability=0.5).direction == "unchanged"


def test_rci_just_beyond_1_96_is_reliable():
    rc = reliable_change(10, 8.0399, sd=1, reliability=0.5)
    assert rc.rci is not None and abs(rc.rci) > RCI_CRITICAL
    assert rc.direction == "improved"


def test_no_change_is_unchanged():
    rc = reliable_change(14, 14, sd=6, reliability=0.85)
    assert rc.rci == 0
    assert rc.direction == "unchanged"
    assert not rc.reliable


def test_higher_is_better_rise_is_improvement():
    rc = reliable_change(20, 30, threshold=5, lower_is_better=False)
    assert rc.direction == "improved"
    assert rc.change == 10


def test_higher_is_better_fall_is_deterioration():
    assert reliable_change(30, 20, threshold=5, lower_is_better=False).direction == "deteriorated"
    rc = reliable_change(30, 20, sd=5, reliability=0.8, lower_is_better=False)
    assert rc.rci is not None and rc.rci < -RCI_CRITICAL
    assert rc.direction == "deteriorated"


def test_lower_is_better_rise_is_deterioration():
    assert reliable_change(8, 16, sd=6, reliability=0.85).direction == "deteriorated"


def test_zero_reliability_is_allowed():
    rc = reliable_change(20, 10, sd=4, reliability=0)
    assert rc.sdiff == pytest.approx(4 * math.sqrt(2))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs both sd and reliability"),
        ({"sd": 6}, "needs both sd and reliability"),
        ({"reliability": 0.8}, "needs both sd and reliability"),
        ({"sd": 6, "reliability": 0.8, "threshold": 6}, "not both"),
        ({"sd": -1, "reliability": 0.8}, "sd must be positive"),
        ({"sd": 0, "reliability": 0.8}, "sd must be positive"),
        ({"sd": 6, "reliability": 1.2}, "reliability must be at least 0 and below 1"),
        ({"sd": 6, "reliability": -0.1}, "reliability must be at least 0 and below 1"),
        ({"sd": 6, "reliability": 1}, "reliability must be at least 0 and below 1"),
        ({"sd": math.nan, "reliability": 0.8}, "sd must be a finite number"),
        ({"sd": 6, "reliability": math.nan}, "reliability must be a finite number"),
        ({"threshold": 0}, "threshold must be a positive number"),
        ({"threshold": -6}, "threshold must be a positive number"),
        ({"threshold": math.inf}, "threshold must be a finite number"),
    ],
)
def test_invalid_rule_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        reliable_change(20, 11, **kwargs)


@pytest.mark.parametrize(("pre", "post"), [(math.nan, 11), (20, math.nan), (math.inf, 3)])
def test_nan_or_infinite_scores_are_refused(pre, post):
    with pytest.raises(ValueError, match="must be a finite number"):
        reliable_change(pre, post, threshold=6)
