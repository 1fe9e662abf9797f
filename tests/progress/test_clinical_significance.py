import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strides.progress import CATEGORIES, clinical_significance

PHQ9: dict[str, Any] = {"cutoff": 10, "threshold": 6}
WHO5: dict[str, Any] = {"cutoff": 13, "threshold": 5, "lower_is_better": False}


def category(pre, post, **rule):
    return clinical_significance(pre, post, **rule).category


def test_categories_are_ordered_worst_to_best():
    assert CATEGORIES == ("harmed", "deteriorated", "unchanged", "improved", "recovered")


def test_recovered_when_clinical_to_functional_with_reliable_improvement():
    assert category(18, 8, **PHQ9) == "recovered"


def test_improved_when_reliable_but_still_clinical():
    assert category(24, 16, **PHQ9) == "improved"


def test_improved_when_it_started_functional():
    assert category(9, 2, **PHQ9) == "improved"


def test_unchanged_below_reliable_change_even_across_the_cutoff():
    assert category(13, 8, **PHQ9) == "unchanged"


def test_deteriorated_when_reliably_worse_from_clinical():
    assert category(12, 20, **PHQ9) == "deteriorated"


def test_deteriorated_when_reliably_worse_but_still_functional():
    assert category(0, 7, **PHQ9) == "deteriorated"


def test_harmed_when_it_started_functional_and_ended_clinical():
    assert category(4, 14, **PHQ9) == "harmed"


def test_score_on_the_cutoff_is_clinical_at_the_start():
    # PHQ-9 10 is a case, so 10 -> 3 is a recovery, as in the Talking Therapies rules
    result = clinical_significance(10, 3, **PHQ9)
    assert result.clinical_pre
    assert result.category == "recovered"


def test_score_on_the_cutoff_is_clinical_at_the_end():
    result = clinical_significance(17, 10, **PHQ9)
    assert not result.functional_post
    assert result.category == "improved"


def test_worsening_onto_the_cutoff_from_functional_is_harmed():
    assert category(4, 10, **PHQ9) == "harmed"


def test_worsening_from_the_cutoff_is_deteriorated_not_harmed():
    # 10 is already clinical: the client did not cross into the clinical range
    assert category(10, 16, **PHQ9) == "deteriorated"


def test_higher_is_better_score_on_the_cutoff_is_functional():
    # WHO-5: below 13 is poor wellbeing, so 13 is on the functional side
    assert category(7, 13, **WHO5) == "recovered"
    assert category(13, 7, **WHO5) == "harmed"
    assert category(18, 13, **WHO5) == "deteriorated"


def test_exactly_at_threshold_is_reliable():
    assert category(16, 10 - 0.5, **PHQ9) == "recovered"
    assert category(15, 9, **PHQ9) == "recovered"
    assert category(15, 9.5, **PHQ9) == "unchanged"


def test_rci_exactly_1_96_is_not_reliable():
    # reliability .5: Sdiff = sd, so a change of 1.96 gives an RCI of exactly 1.96
    assert category(1.96, 0, cutoff=1, sd=1, reliability=0.5) == "unchanged"
    assert category(1.97, 0, cutoff=1, sd=1, reliability=0.5) == "recovered"


def test_public_rci_example_is_recovered_when_crossing_the_cutoff():
    assert category(20, 11, cutoff=15, sd=6, reliability=0.85) == "recovered"


@pytest.mark.parametrize(
    ("pre", "post", "expected"),
    [
        (8, 20, "recovered"),
        (8, 11, "unchanged"),
        (14, 24, "improved"),
        (25, 15, "deteriorated"),
        (12, 6, "deteriorated"),
        (16, 6, "harmed"),
        (13, 8, "harmed"),
        (12, 17, "recovered"),
        (13, 20, "improved"),
    ],
)
def test_higher_is_better_categories(pre, post, expected):
    assert category(pre, post, **WHO5) == expected


def test_code_indexes_categories():
    result = clinical_significance(18, 8, **PHQ9)
    assert CATEGORIES[result.code] == result.category == "recovered"


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_invalid_cutoff_is_refused(bad):
    with pytest.raises(ValueError, match="cutoff must be a finite number"):
        clinical_significance(18, 8, cutoff=bad, threshold=6)


def test_missing_change_rule_is_refused():
    with pytest.raises(ValueError, match="needs both sd and reliability, or a published threshold"):
        clinical_significance(18, 8, cutoff=10)


scores = st.one_of(st.integers(0, 40), st.floats(0, 40, allow_nan=False)).map(float)
steps = st.one_of(st.integers(0, 20), st.floats(0, 20, allow_nan=False)).map(float)
rules = st.one_of(
    st.builds(lambda t: {"threshold": t}, st.sampled_from([4, 5, 6, 2.45, 0.73])),
    st.builds(
        lambda sd, r: {"sd": sd, "reliability": r},
        st.floats(0.5, 10),
        st.floats(0, 0.99),
    ),
)


@given(pre=scores, post=scores, step=steps, rule=rules, cutoff=st.integers(5, 30))
def test_more_improvement_at_the_end_never_gives_a_worse_category(pre, post, step, rule, cutoff):
    for lower_is_better in (True, False):
        better_post = post - step if lower_is_better else post + step
        before = clinical_significance(
            pre, post, cutoff=cutoff, lower_is_better=lower_is_better, **rule
        )
        after = clinical_significance(
            pre, better_post, cutoff=cutoff, lower_is_better=lower_is_better, **rule
        )
        assert after.code >= before.code


@given(pre=scores, post=scores, step=steps, rule=rules, cutoff=st.integers(5, 30))
def test_a_worse_start_with_the_same_end_never_gives_a_worse_category(
    pre, post, step, rule, cutoff
):
    for lower_is_better in (True, False):
        worse_pre = pre + step if lower_is_better else pre - step
        before = clinical_significance(
            pre, post, cutoff=cutoff, lower_is_better=lower_is_better, **rule
        )
        after = clinical_significance(
            worse_pre, post, cutoff=cutoff, lower_is_better=lower_is_better, **rule
        )
        assert after.code >= before.code
