"""Answers that cannot be scored raise InvalidAnswers naming every problem at once."""

import math

import pytest

from strides.instruments import NOT_APPLICABLE, InvalidAnswers, score


def problems_for(code: str, answers: dict) -> tuple[str, ...]:
    with pytest.raises(InvalidAnswers) as caught:
        score(code, answers)
    return caught.value.problems


def test_every_problem_is_listed_at_once():
    problems = problems_for("phq9", {1: 4, 2: "often", 3: -1, 12: 1, "x": 0})

    assert problems == (
        "item 1: 4 is out of range; use one of 0, 1, 2, 3",
        "item 2: 'often' is not a number",
        "item 3: -1 is out of range; use one of 0, 1, 2, 3",
        "unknown item 12",
        "unknown item 'x'",
    )


def test_invalid_answers_is_a_value_error_whose_message_names_the_instrument():
    with pytest.raises(ValueError, match=r"invalid answers for gad7: item 8: 9 is out"):
        score("gad7", {8: 9})


@pytest.mark.parametrize("value", [True, math.nan, math.inf, 1.5, "2", [1]])
def test_non_numbers_and_values_between_options_are_rejected(value):
    assert len(problems_for("phq9", {1: value})) == 1


def test_whole_number_floats_are_accepted_as_their_option():
    assert score("phq9", {n: 1.0 for n in range(1, 10)}).total == 9


def test_not_applicable_is_rejected_where_the_form_does_not_offer_it():
    assert problems_for("phq9", {1: NOT_APPLICABLE}) == ("item 1: has no 'not applicable' answer",)


def test_supplementary_question_is_checked_but_not_scored():
    answers = {n: 0 for n in range(1, 10)} | {10: 3}

    result = score("phq9", answers)

    assert result.total == 0
    assert 10 not in result.answered
    assert problems_for("phq9", {10: 4}) == ("item 10: 4 is out of range; use one of 0, 1, 2, 3",)


def test_item_zero_does_not_exist_because_items_count_from_one():
    assert problems_for("phq9", {0: 1}) == ("unknown item 0",)
