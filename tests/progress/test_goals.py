import math

import pytest

from strides.progress import gas_t_score, goal_rated_high, goal_reliably_improved


def test_gas_public_example_reproduces():
    assert gas_t_score([0, 1], [1, 1]) == pytest.approx(56.2017, abs=5e-5)


def test_gas_all_expected_outcomes_is_50():
    assert gas_t_score([0, 0, 0]) == 50


def test_gas_weights_default_to_one():
    assert gas_t_score([0, 1]) == gas_t_score([0, 1], [1, 1])


def test_gas_single_goal_at_plus_two_is_70():
    assert gas_t_score([2]) == pytest.approx(70)


def test_gas_weights_change_the_score():
    assert gas_t_score([-1, 2], [1, 3]) > gas_t_score([-1, 2], [3, 1])


def test_gas_rho_zero():
    assert gas_t_score([1, 1], rho=0) == pytest.approx(50 + 10 * 2 / math.sqrt(2))


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([],), {}, "at least one goal"),
        (([3],), {}, "from -2 to \\+2"),
        (([0.5],), {}, "from -2 to \\+2"),
        (([0, 1], [1]), {}, "one weight per goal"),
        (([0, 1], [1, -1]), {}, "weights must be positive"),
        (([0, 1], [1, math.nan]), {}, "weight must be a finite number"),
        (([0, 1],), {"rho": 1.5}, "rho must be between 0 and 1"),
    ],
)
def test_gas_invalid_inputs_are_refused(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        gas_t_score(*args, **kwargs)


def test_goal_rated_8_or_more_is_high():
    assert goal_rated_high(8)
    assert goal_rated_high(10)
    assert not goal_rated_high(7.9)


def test_goal_improved_by_2_45_or_more_is_reliable():
    assert goal_reliably_improved(3, 5.45)
    assert goal_reliably_improved(3.1, 5.55)  # 2.4499999999999997 in binary floating point
    assert not goal_reliably_improved(3, 5.4)
    assert not goal_reliably_improved(6, 3)
