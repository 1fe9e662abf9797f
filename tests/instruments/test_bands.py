"""Every band edge of every shipped instrument: a boundary total belongs to its range."""

import pytest

from strides.instruments import get_instrument, score
from tests.instruments.helpers import answers_totalling

BAND_EDGES = {
    "phq9": [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
    "gad7": [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
    "k10": [
        (10, "low"),
        (15, "low"),
        (16, "moderate"),
        (21, "moderate"),
        (22, "high"),
        (29, "high"),
        (30, "very_high"),
        (50, "very_high"),
    ],
    "core10": [
        (0, "healthy"),
        (5, "healthy"),
        (6, "low"),
        (10, "low"),
        (11, "mild"),
        (14, "mild"),
        (15, "moderate"),
        (19, "moderate"),
        (20, "moderately_severe"),
        (24, "moderately_severe"),
        (25, "severe"),
        (40, "severe"),
    ],
    "wsas": [
        (0, "subclinical"),
        (9, "subclinical"),
        (10, "significant"),
        (20, "significant"),
        (21, "severe"),
        (40, "severe"),
    ],
}

EDGES = [(code, total, band) for code, edges in BAND_EDGES.items() for total, band in edges]


@pytest.mark.parametrize(("code", "total", "band"), EDGES)
def test_total_on_a_band_edge_gets_the_band_whose_range_contains_it(code, total, band):
    result = score(code, answers_totalling(get_instrument(code), total))

    assert result.total == total
    assert result.band == band


def test_phq9_ten_is_moderate_and_nine_is_mild():
    phq9 = get_instrument("phq9")

    assert score(phq9, answers_totalling(phq9, 10)).band == "moderate"
    assert score(phq9, answers_totalling(phq9, 9)).band == "mild"


@pytest.mark.parametrize("code", ["who5", "pcl5"])
def test_instrument_without_bands_has_no_band(code):
    instrument = get_instrument(code)

    assert score(code, answers_totalling(instrument, 10)).band is None


@pytest.mark.parametrize(
    ("subscale", "sum_", "band"),
    [
        ("cs", 10, "low"),
        ("cs", 22, "low"),
        ("cs", 23, "moderate"),
        ("cs", 41, "moderate"),
        ("cs", 42, "high"),
        ("cs", 50, "high"),
        ("sts", 22, "low"),
        ("sts", 23, "moderate"),
        ("sts", 41, "moderate"),
        ("sts", 42, "high"),
    ],
)
def test_proqol_subscale_on_a_band_edge_gets_the_band_whose_range_contains_it(subscale, sum_, band):
    proqol = get_instrument("proqol5")
    items = proqol.subscale(subscale).items
    answers = {item.number: 1 for item in proqol.items if not item.reverse_keyed}
    answers |= {n: 5 for n in proqol.reverse_items}  # reversed: scores 1
    remaining = sum_ - 10
    for number in items:
        answers[number] = 1 + min(4, remaining)
        remaining -= answers[number] - 1

    result = score(proqol, answers)

    assert result.subscales[subscale] == sum_
    assert result.subscale_bands[subscale] == band


def test_proqol_burnout_band_uses_the_reversed_scores():
    proqol = get_instrument("proqol5")
    answers = {item.number: 3 for item in proqol.items}
    answers |= {1: 1, 4: 1, 15: 1, 17: 1, 29: 1}  # reversed to 5 each
    answers |= {8: 5, 10: 5, 19: 5, 21: 5, 26: 2}

    result = score(proqol, answers)

    assert result.subscales["bo"] == 47
    assert result.subscale_bands["bo"] == "high"


def test_prorated_fractional_core10_total_is_banded_by_its_whole_part():
    # Nine answered items summing 10: 10 x 10/9 = 11.1, at the cut-off's side of 11.
    answers = {1: 2, 2: 4, 3: 4, 4: 2, 5: 2, 6: 0, 7: 2, 8: 1, 9: 1}
    result = score("core10", answers)

    assert result.total == 11.1
    assert result.band == "mild"
    assert "caseness" in result.flags


def test_prorated_fractional_core10_total_is_not_rounded_up_into_the_next_band():
    # Nine answered items summing 5: 10 x 5/9 = 5.6, still in the 0-5 "healthy" range.
    answers = {1: 1, 2: 4, 3: 4, 4: 1, 5: 1, 6: 0, 7: 1, 8: 1, 9: 0}
    result = score("core10", answers)

    assert result.total == 5.6
    assert result.band == "healthy"


def test_band_label_gives_the_printed_label_and_rejects_unknown_codes():
    phq9 = get_instrument("phq9")

    assert phq9.band_label("moderately_severe") == "Moderately severe"
    with pytest.raises(KeyError, match="known bands: minimal, mild"):
        phq9.band_label("catastrophic")
    assert get_instrument("proqol5").subscale("cs").band_label("high") == "High"
