"""Reverse-keyed items are reversed by the scoring rule, never by the person entering."""

from strides.instruments import get_instrument, score


def test_core10_items_2_and_3_score_four_minus_the_response():
    answers = {n: 0 for n in range(1, 11)}  # "Not at all" to everything

    result = score("core10", answers)

    assert result.item_scores[2] == 4
    assert result.item_scores[3] == 4
    assert result.total == 8


def test_core10_most_or_all_of_the_time_on_items_2_and_3_scores_zero():
    answers = {n: 0 for n in range(1, 11)} | {2: 4, 3: 4}

    result = score("core10", answers)

    assert result.total == 0
    assert result.band == "healthy"


def test_core10_definition_marks_items_2_and_3_as_reverse_keyed():
    core10 = get_instrument("core10")

    assert core10.reverse_items == (2, 3)
    assert core10.reverse_subtract_from == 4


def test_proqol_burnout_items_1_4_15_17_29_score_six_minus_the_response():
    answers = {n: 1 for n in range(1, 31)}  # "Never" to everything

    result = score("proqol5", answers)

    for number in (1, 4, 15, 17, 29):
        assert result.item_scores[number] == 5
    assert result.subscales["bo"] == 5 * 5 + 5 * 1
    assert result.subscales["cs"] == 10
    assert result.subscales["sts"] == 10


def test_proqol_reversal_touches_only_the_burnout_items():
    proqol = get_instrument("proqol5")

    assert proqol.reverse_items == (1, 4, 15, 17, 29)
    assert proqol.reverse_subtract_from == 6
    assert set(proqol.reverse_items) <= set(proqol.subscale("bo").items)


def test_answers_are_kept_on_the_form_scale_while_scores_are_reversed():
    result = score("core10", {n: 1 for n in range(1, 11)})

    assert result.item_scores[2] == 3
    assert result.item_scores[1] == 1
