"""Risk items raise a flag on any answer above 0, and a prompt when left unanswered."""

import pytest

from strides.instruments import get_instrument, score

PHQ9_NONE = {n: 0 for n in range(1, 10)}
CORE10_NONE = {n: 0 for n in range(1, 11)} | {2: 4, 3: 4}  # 2 and 3 are reversed


def test_phq9_item_9_above_zero_raises_risk_whatever_the_total():
    result = score("phq9", PHQ9_NONE | {9: 1})

    assert result.total == 1
    assert result.band == "minimal"
    assert "risk" in result.flags
    assert result.risk_items_endorsed == (9,)


def test_phq9_item_9_at_zero_raises_no_risk():
    result = score("phq9", PHQ9_NONE | {1: 3, 2: 3, 3: 3})

    assert "risk" not in result.flags
    assert "risk_unanswered" not in result.flags
    assert result.risk_items_endorsed == ()


def test_phq9_item_9_unanswered_raises_risk_unanswered_even_when_prorated():
    answers = {n: v for n, v in PHQ9_NONE.items() if n != 9}

    result = score("phq9", answers)

    assert "risk_unanswered" in result.flags
    assert "risk" not in result.flags
    assert result.risk_items_unanswered == (9,)
    assert result.prorated


def test_risk_unanswered_is_raised_even_when_the_administration_is_incomplete():
    result = score("phq9", {1: 1})

    assert {"risk_unanswered", "incomplete"} <= result.flags


def test_core10_item_6_above_zero_raises_risk():
    result = score("core10", CORE10_NONE | {6: 1})

    assert result.total == 1
    assert "risk" in result.flags
    assert result.risk_items_endorsed == (6,)


def test_core10_item_6_unanswered_raises_risk_unanswered():
    answers = {n: v for n, v in CORE10_NONE.items() if n != 6}

    assert "risk_unanswered" in score("core10", answers).flags


@pytest.mark.parametrize(("code", "risk_items"), [("phq9", (9,)), ("core10", (6,))])
def test_definitions_name_their_risk_items(code, risk_items):
    instrument = get_instrument(code)

    assert instrument.risk_items == risk_items
    assert [item.number for item in instrument.items if item.risk] == list(risk_items)


@pytest.mark.parametrize("code", ["gad7", "who5", "k10", "pcl5", "wsas", "proqol5"])
def test_instruments_without_risk_items_never_raise_risk_flags(code):
    instrument = get_instrument(code)

    result = score(code, {item.number: int(item.max_value) for item in instrument.items})

    assert instrument.risk_items == ()
    assert not {"risk", "risk_unanswered"} & result.flags
