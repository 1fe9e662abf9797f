"""PCL-5 cluster scores, probable PTSD and the provisional DSM-5 diagnosis rule."""

import pytest

from strides.instruments import get_instrument, score
from tests.instruments.helpers import answers_totalling

NOTHING = {n: 0 for n in range(1, 21)}
# One B, one C, two D and two E items at "Moderately": the smallest pattern that counts.
MINIMAL_PATTERN = NOTHING | {1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2}


def test_cluster_scores_are_the_sums_of_their_items():
    answers = NOTHING | {1: 1, 5: 4, 6: 2, 7: 3, 8: 1, 14: 4, 15: 2, 20: 3}

    result = score("pcl5", answers)

    assert result.subscales == {"b": 5, "c": 5, "d": 5, "e": 5}
    assert result.total == 20


def test_clusters_cover_the_dsm5_item_ranges():
    pcl5 = get_instrument("pcl5")

    assert {s.code: s.items for s in pcl5.subscales} == {
        "b": (1, 2, 3, 4, 5),
        "c": (6, 7),
        "d": (8, 9, 10, 11, 12, 13, 14),
        "e": (15, 16, 17, 18, 19, 20),
    }


def test_minimal_endorsement_pattern_meets_the_provisional_diagnosis():
    result = score("pcl5", MINIMAL_PATTERN)

    assert "provisional_diagnosis" in result.flags
    assert result.total == 12
    assert "probable_ptsd" not in result.flags


@pytest.mark.parametrize("dropped", [1, 6, 9, 16])
def test_one_cluster_short_of_its_minimum_does_not_meet_the_diagnosis(dropped):
    result = score("pcl5", MINIMAL_PATTERN | {dropped: 1})

    assert "provisional_diagnosis" not in result.flags


def test_an_item_rated_a_little_bit_does_not_count_as_endorsed():
    answers = NOTHING | {n: 1 for n in range(1, 21)}

    result = score("pcl5", answers)

    assert result.total == 20
    assert "provisional_diagnosis" not in result.flags


def test_pattern_met_by_answered_items_is_flagged_even_with_items_missing():
    answers = {n: v for n, v in MINIMAL_PATTERN.items() if n not in (2, 20)}

    result = score("pcl5", answers)

    assert result.total is None
    assert "provisional_diagnosis" in result.flags
    assert set(result.subscales) == {"c", "d"}


@pytest.mark.parametrize(("total", "probable"), [(32, False), (33, True), (80, True)])
def test_probable_ptsd_from_a_total_of_33(total, probable):
    result = score("pcl5", answers_totalling(get_instrument("pcl5"), total))

    assert ("probable_ptsd" in result.flags) is probable
    assert ("caseness" in result.flags) is probable
