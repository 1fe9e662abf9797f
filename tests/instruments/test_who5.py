"""WHO-5: raw score, percentage (raw x 4), poor wellbeing and likely depression."""

import pytest

from strides.instruments import get_instrument, score
from tests.instruments.helpers import answers_totalling


def who5_totalling(raw: int) -> dict[int, int]:
    return answers_totalling(get_instrument("who5"), raw)


@pytest.mark.parametrize("raw", [0, 7, 12, 13, 25])
def test_percentage_is_raw_times_four(raw):
    result = score("who5", who5_totalling(raw))

    assert result.total == raw
    assert result.percentage == raw * 4


def test_raw_below_13_is_poor_wellbeing_and_13_is_not():
    assert "poor_wellbeing" in score("who5", who5_totalling(12)).flags
    assert "poor_wellbeing" not in score("who5", who5_totalling(13)).flags


def test_28_percent_or_less_is_likely_depression():
    assert "likely_depression" in score("who5", who5_totalling(7)).flags  # 28 %
    assert "likely_depression" not in score("who5", who5_totalling(8)).flags  # 32 %


def test_incomplete_who5_has_no_percentage_and_no_wellbeing_flags():
    result = score("who5", {1: 0, 2: 0, 3: 0, 4: 0})

    assert result.total is None
    assert result.percentage is None
    assert not {"poor_wellbeing", "likely_depression"} & result.flags


def test_options_are_recorded_in_printed_order_from_all_of_the_time():
    who5 = get_instrument("who5")

    assert who5.items[0].options[0] == (5, "All of the time")
    assert who5.items[0].options[-1] == (0, "At no time")
    assert not who5.lower_is_better


@pytest.mark.parametrize("code", ["phq9", "core10", "pcl5"])
def test_only_who5_has_a_percentage(code):
    instrument = get_instrument(code)

    assert score(code, answers_totalling(instrument, 5)).percentage is None


def test_screen_for_depression_when_raw_is_below_13():
    # 12 = 3 + 3 + 2 + 2 + 2: no item at 0 or 1, so the total alone raises it
    result = score("who5", {1: 3, 2: 3, 3: 2, 4: 2, 5: 2})
    assert result.total == 12
    assert {"screen_for_depression", "poor_wellbeing"} <= result.flags


@pytest.mark.parametrize("low_answer", [0, 1])
def test_screen_for_depression_when_any_item_is_answered_0_or_1(low_answer):
    # a raw score well above 13, but one item at 0 or 1: the form says give an inventory
    result = score("who5", {1: 5, 2: 5, 3: 5, 4: 5, 5: low_answer})
    assert result.total == 20 + low_answer
    assert "screen_for_depression" in result.flags
    assert "poor_wellbeing" not in result.flags


def test_no_screen_at_13_with_every_item_at_2_or_more():
    result = score("who5", {1: 3, 2: 3, 3: 3, 4: 2, 5: 2})
    assert result.total == 13
    assert not {"screen_for_depression", "poor_wellbeing", "caseness"} & result.flags


def test_a_single_item_at_1_screens_even_when_the_form_is_incomplete():
    result = score("who5", {1: 1})
    assert result.total is None
    assert "screen_for_depression" in result.flags
    assert "poor_wellbeing" not in result.flags
