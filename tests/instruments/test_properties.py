"""Property tests: for any answers, every shipped instrument scores as its manual says.

The reference rules below are written out plainly, per instrument, from CLINICAL.md and
the manuals, without using the definition files or the scoring code.
"""

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strides.instruments import NOT_APPLICABLE, get_instrument, score

Answers = dict[int, object]

ITEM_COUNTS = {
    "phq9": 9,
    "gad7": 7,
    "who5": 5,
    "k10": 10,
    "core10": 10,
    "pcl5": 20,
    "wsas": 5,
    "proqol5": 30,
}
VALUES = {
    "phq9": range(4),
    "gad7": range(4),
    "who5": range(6),
    "k10": range(1, 6),
    "core10": range(5),
    "pcl5": range(5),
    "wsas": range(9),
    "proqol5": range(1, 6),
}
TOTAL_RANGES = {
    "phq9": (0, 27),
    "gad7": (0, 21),
    "who5": (0, 25),
    "k10": (10, 50),
    "core10": (0, 40),
    "pcl5": (0, 80),
    "wsas": (0, 40),
}
CASENESS_AT = {"phq9": 10, "gad7": 8, "core10": 11, "pcl5": 33}
CODES = list(ITEM_COUNTS)


def numeric(answers: Answers) -> dict[int, int]:
    return {n: v for n, v in answers.items() if isinstance(v, int)}


def prorated_sum(answers: Answers, n_items: int, max_missing: int) -> int | None:
    """Sum, or round_half_up(mean(answered) * n_items) with up to max_missing missing."""
    answered = numeric(answers)
    k, s = len(answered), sum(answered.values())
    if k == 0 or n_items - k > max_missing:
        return None
    if k == n_items:
        return s
    return (2 * s * n_items + k) // (2 * k)  # s * n / k rounded half up


def core10_total(answers: Answers) -> float | None:
    """10 x mean of the answered items (2 and 3 scored 4 - response), one decimal."""
    answered = numeric(answers)
    scored = [4 - v if n in (2, 3) else v for n, v in answered.items()]
    k = len(scored)
    if k == 0 or 10 - k > 1:
        return None
    tenths = (200 * sum(scored) + k) // (2 * k)  # 100 x sum / k rounded half up
    return tenths / 10


REFERENCE_TOTAL: dict[str, Callable[[Answers], float | None]] = {
    "phq9": lambda a: prorated_sum(a, 9, 2),
    "gad7": lambda a: prorated_sum(a, 7, 1),
    "who5": lambda a: prorated_sum(a, 5, 0),
    "k10": lambda a: prorated_sum(a, 10, 0),
    "core10": core10_total,
    "pcl5": lambda a: prorated_sum(a, 20, 0),
    "wsas": lambda a: prorated_sum(a, 5, 1),  # "not applicable" counts as the missing one
    "proqol5": lambda a: None,
}

SUBSCALE_ITEMS = {
    "pcl5": {
        "b": [1, 2, 3, 4, 5],
        "c": [6, 7],
        "d": [8, 9, 10, 11, 12, 13, 14],
        "e": [15, 16, 17, 18, 19, 20],
    },
    "proqol5": {
        "cs": [3, 6, 12, 16, 18, 20, 22, 24, 27, 30],
        "bo": [1, 4, 8, 10, 15, 17, 19, 21, 26, 29],
        "sts": [2, 5, 7, 9, 11, 13, 14, 23, 25, 28],
    },
}
PROQOL_REVERSED = {1, 4, 15, 17, 29}


def reference_subscales(code: str, answers: Answers) -> dict[str, int]:
    answered = numeric(answers)
    result = {}
    for subscale, items in SUBSCALE_ITEMS.get(code, {}).items():
        if all(n in answered for n in items):
            result[subscale] = sum(
                6 - answered[n] if code == "proqol5" and n in PROQOL_REVERSED else answered[n]
                for n in items
            )
    return result


@st.composite
def administrations(draw: st.DrawFn, code: str) -> tuple[Answers, list[int]]:
    """Answers with some items left out or None (WSAS item 1 may be 'not applicable'),
    plus an order in which to present them."""
    numbers = list(range(1, ITEM_COUNTS[code] + 1))
    answers: Answers = {}
    for number in numbers:
        choices: list[object] = list(VALUES[code])
        if code == "wsas" and number == 1:
            choices.append(NOT_APPLICABLE)
        answers[number] = draw(st.sampled_from(choices))
    for number in draw(st.sets(st.sampled_from(numbers), max_size=4)):
        if draw(st.booleans()):
            del answers[number]
        else:
            answers[number] = None
    order = draw(st.permutations(list(answers)))
    return answers, order


def in_order(answers: Answers, order: list[int]) -> Answers:
    return {n: answers[n] for n in order}


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_total_and_subscales_follow_the_manual_rule(code, data):
    answers, _ = data.draw(administrations(code))

    result = score(code, answers)

    assert result.total == REFERENCE_TOTAL[code](answers)
    assert result.subscales == reference_subscales(code, answers)
    if code == "who5":
        assert result.percentage == (None if result.total is None else result.total * 4)
    if code in CASENESS_AT:
        expected = result.total is not None and result.total >= CASENESS_AT[code]
        assert ("caseness" in result.flags) is expected


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_total_is_within_the_instrument_range(code, data):
    answers, _ = data.draw(administrations(code))
    instrument = get_instrument(code)

    result = score(code, answers)

    if result.total is not None:
        low, high = TOTAL_RANGES[code]
        assert low <= result.total <= high
        assert (instrument.min_total, instrument.max_total) == (low, high)
    for subscale, value in result.subscales.items():
        definition = instrument.subscale(subscale)
        assert definition.min_total <= value <= definition.max_total


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_score_does_not_depend_on_answer_order(code, data):
    answers, order = data.draw(administrations(code))

    assert score(code, in_order(answers, order)) == score(code, answers)


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_missing_answer_never_silently_lowers_a_total(code, data):
    answers, _ = data.draw(administrations(code))
    result = score(code, answers)

    if result.missing:
        assert (result.total is None and "incomplete" in result.flags) or result.prorated
    if "incomplete" in result.flags:
        assert result.total is None or len(result.subscales) < len(SUBSCALE_ITEMS.get(code, {}))
    if not result.missing and not result.not_applicable:
        assert not result.prorated
