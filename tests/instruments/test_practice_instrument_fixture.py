"""The format carries a licensed-style instrument: an ORS-shaped fixture (made-up words)."""

import pytest

from strides.instruments import InvalidAnswers, get_instrument, reload_instruments, score
from tests.instruments.conftest import FIXTURES


@pytest.fixture(autouse=True)
def ors_like_loaded(monkeypatch):
    monkeypatch.setenv("STRIDES_INSTRUMENTS_DIR", str(FIXTURES / "practice"))
    reload_instruments()


def test_definition_exposes_the_ors_shape():
    ors = get_instrument("ors_like")

    assert not ors.lower_is_better
    assert (ors.min_total, ors.max_total) == (0, 40)
    assert ors.cutoff == 25
    assert ors.reliable_change == 5
    assert ors.reliable_change_method == "points"
    assert [item.number for item in ors.items] == [1, 2, 3, 4]
    assert ors.items[0].options == ()
    assert ors.items[0].scale is not None
    assert ors.items[0].scale.min_label == "Not well at all"


def test_decimal_marks_add_up_exactly():
    result = score("ors_like", {1: 7.3, 2: 6.1, 3: 5.4, 4: 6.2})

    assert result.total == 25.0
    assert result.item_scores == {1: 7.3, 2: 6.1, 3: 5.4, 4: 6.2}
    assert "caseness" not in result.flags


def test_total_below_the_cut_off_is_in_the_clinical_range():
    result = score("ors_like", {1: 7.3, 2: 6.1, 3: 5.4, 4: 6.1})

    assert result.total == 24.9
    assert "caseness" in result.flags


def test_marks_off_the_line_or_between_steps_are_rejected():
    with pytest.raises(InvalidAnswers) as caught:
        score("ors_like", {1: 7.35, 2: 10.1, 3: -0.1, 4: 10})

    assert caught.value.problems == (
        "item 1: 7.35 is out of range; use a value from 0 to 10 in steps of 0.1",
        "item 2: 10.1 is out of range; use a value from 0 to 10 in steps of 0.1",
        "item 3: -0.1 is out of range; use a value from 0 to 10 in steps of 0.1",
    )


def test_no_missing_marks_are_allowed():
    result = score("ors_like", {1: 7.3, 2: 6.1, 3: 5.4})

    assert result.total is None
    assert result.incomplete
