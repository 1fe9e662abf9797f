"""Proration within each instrument's limit, and incomplete administrations beyond it."""

import pytest

from strides.instruments import get_instrument, reload_instruments, score
from tests.instruments.conftest import SHIPPED

PHQ9_ALL_ONES = {n: 1 for n in range(1, 10)}


def without(answers: dict[int, int], *numbers: int) -> dict[int, int]:
    return {n: v for n, v in answers.items() if n not in numbers}


def test_phq9_with_one_missing_item_is_prorated_and_says_so():
    result = score("phq9", without(PHQ9_ALL_ONES, 3))

    assert result.total == 9
    assert result.missing == (3,)
    assert result.prorated
    assert "prorated" in result.flags
    assert "incomplete" not in result.flags


def test_phq9_proration_rounds_half_up():
    # Eight answered items summing 4: 4 / 8 * 9 = 4.5, rounded half up to 5 (mild).
    answers = {1: 1, 2: 1, 3: 1, 4: 1, 5: 0, 6: 0, 7: 0, 8: 0}

    result = score("phq9", answers)

    assert result.total == 5
    assert result.band == "mild"


def test_phq9_with_two_missing_items_is_still_prorated():
    answers = {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3}

    result = score("phq9", answers)

    assert result.total == 27
    assert result.prorated


def test_phq9_with_three_missing_items_is_incomplete_with_no_total():
    result = score("phq9", {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3})

    assert result.total is None
    assert result.band is None
    assert result.incomplete
    assert result.missing == (7, 8, 9)
    assert result.answered == (1, 2, 3, 4, 5, 6)
    assert "caseness" not in result.flags


def test_an_answer_given_as_none_counts_as_missing():
    answers: dict[int, int | None] = {**PHQ9_ALL_ONES, 3: None}

    assert score("phq9", answers) == score("phq9", without(PHQ9_ALL_ONES, 3))


def test_gad7_with_one_missing_item_is_prorated_half_up():
    # Six answered items summing 9: 9 / 6 * 7 = 10.5, rounded half up to 11.
    result = score("gad7", {1: 2, 2: 2, 3: 2, 4: 1, 5: 1, 6: 1})

    assert result.total == 11
    assert result.prorated
    assert "caseness" in result.flags


def test_gad7_with_two_missing_items_is_incomplete():
    result = score("gad7", {1: 2, 2: 2, 3: 2, 4: 1, 5: 1})

    assert result.total is None
    assert result.incomplete


def test_core10_with_one_missing_item_is_ten_times_the_mean_to_one_decimal():
    # Nine answered items scoring 14 in all: 10 x 14 / 9 = 15.56, shown as 15.6.
    answers = {1: 2, 2: 1, 3: 3, 4: 2, 5: 2, 6: 1, 7: 2, 8: 1, 9: 0}

    result = score("core10", answers)

    assert result.total == 15.6
    assert result.prorated


def test_core10_with_two_missing_items_is_incomplete():
    result = score("core10", {1: 2, 2: 1, 3: 3, 4: 2, 5: 2, 6: 1, 7: 2, 8: 1})

    assert result.total is None
    assert result.incomplete


def test_complete_core10_total_is_the_whole_number_sum():
    answers = {1: 2, 2: 1, 3: 3, 4: 2, 5: 2, 6: 1, 7: 2, 8: 1, 9: 0, 10: 4}

    result = score("core10", answers)

    assert result.total == 18  # items 2 and 3 are reversed: 4 - 1 and 4 - 3
    assert isinstance(result.total, int)
    assert not result.prorated


@pytest.mark.parametrize(("code", "missing_item"), [("who5", 2), ("k10", 10), ("pcl5", 20)])
def test_instrument_without_a_proration_rule_needs_every_item(code, missing_item):
    instrument = get_instrument(code)
    answers = {item.number: int(item.max_value) for item in instrument.items}
    del answers[missing_item]

    result = score(code, answers)

    assert result.total is None
    assert result.incomplete
    assert result.missing == (missing_item,)


def test_nothing_answered_is_incomplete():
    result = score("phq9", {})

    assert result.total is None
    assert result.incomplete
    assert result.missing == tuple(range(1, 10))


def test_proqol_subscale_with_a_missing_item_is_left_out_and_flagged():
    answers = {n: 3 for n in range(1, 31)}
    del answers[3]  # a compassion satisfaction item

    result = score("proqol5", answers)

    assert "cs" not in result.subscales
    assert "cs" not in result.subscale_bands
    assert set(result.subscales) == {"bo", "sts"}
    assert result.incomplete


def test_practice_can_switch_phq9_proration_off(practice_dir):
    text = (SHIPPED / "phq9.toml").read_text(encoding="utf-8")
    (practice_dir / "phq9.toml").write_text(
        text.replace("prorate = true", "prorate = false"), encoding="utf-8"
    )
    reload_instruments()

    result = score("phq9", without(PHQ9_ALL_ONES, 3))

    assert get_instrument("phq9").prorate is False
    assert result.total is None
    assert result.incomplete


def test_shipped_phq9_and_gad7_prorate_by_default():
    assert get_instrument("phq9").prorate and get_instrument("phq9").max_missing == 2
    assert get_instrument("gad7").prorate and get_instrument("gad7").max_missing == 1
