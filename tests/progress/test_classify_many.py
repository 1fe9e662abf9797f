import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strides.progress import CATEGORIES, classify_many, clinical_significance
from strides.progress.change import CLASSIFY_BLOCK

RULES = [
    {"cutoff": 10, "threshold": 6},
    {"cutoff": 8, "threshold": 4},
    {"cutoff": 11, "threshold": 6},
    {"cutoff": 25, "threshold": 5, "lower_is_better": False},
    {"cutoff": 13, "threshold": 2.5, "lower_is_better": False},
    {"cutoff": 33, "threshold": 10},
    {"cutoff": 15, "sd": 6, "reliability": 0.85},
    {"cutoff": 1, "sd": 1, "reliability": 0.5},
    {"cutoff": 36, "sd": 4, "reliability": 0.9, "lower_is_better": False},
]


def scalar_codes(pre, post, rule):
    return np.array(
        [clinical_significance(a, b, **rule).code for a, b in zip(pre, post, strict=True)],
        dtype=np.int8,
    )


@pytest.mark.parametrize("rule", RULES)
def test_agrees_with_the_scalar_function_on_10000_random_cases(rule):
    rng = np.random.default_rng(20240501)
    n = 10_000
    # whole numbers hit the cut-off and the threshold exactly; tenths and
    # continuous values cover prorated totals and everything in between
    pre = rng.integers(0, 41, n).astype(float)
    post = rng.integers(0, 41, n).astype(float)
    pre[::3] = np.round(rng.uniform(0, 40, n)[::3], 1)
    post[1::3] = rng.uniform(0, 40, n)[1::3]
    assert np.array_equal(classify_many(pre, post, **rule), scalar_codes(pre, post, rule))


scores = st.one_of(st.integers(0, 40).map(float), st.floats(0, 40, allow_nan=False))
pairs = st.lists(st.tuples(scores, scores), min_size=1, max_size=50)


@settings(max_examples=200)
@given(pairs=pairs, rule=st.sampled_from(RULES))
def test_agrees_with_the_scalar_function_on_generated_cases(pairs, rule):
    pre = np.array([p for p, _ in pairs])
    post = np.array([q for _, q in pairs])
    assert np.array_equal(classify_many(pre, post, **rule), scalar_codes(pre, post, rule))


def test_codes_name_the_categories():
    codes = classify_many([18, 24, 13, 12, 4], [8, 16, 8, 20, 14], cutoff=10, threshold=6)
    assert list(np.array(CATEGORIES)[codes]) == [
        "recovered",
        "improved",
        "unchanged",
        "deteriorated",
        "harmed",
    ]
    assert codes.dtype == np.int8


def test_keeps_the_shape_of_its_input():
    pre = np.full((2, 3), 18.0)
    post = np.array([[8, 18, 24], [12, 13, 11]], dtype=float)
    assert classify_many(pre, post, cutoff=10, threshold=6).shape == (2, 3)


def test_empty_input_gives_empty_output():
    assert classify_many([], [], cutoff=10, threshold=6).shape == (0,)


def test_mismatched_shapes_are_refused():
    with pytest.raises(ValueError, match="same shape"):
        classify_many([1, 2], [1, 2, 3], cutoff=10, threshold=6)


def test_nan_is_refused_with_its_position():
    with pytest.raises(ValueError, match="post must hold finite numbers, found nan at index 1"):
        classify_many([18, 18], [8, np.nan], cutoff=10, threshold=6)


def test_invalid_rule_is_refused():
    with pytest.raises(ValueError, match="reliability must be at least 0 and below 1"):
        classify_many([18], [8], cutoff=10, sd=6, reliability=1.5)


@pytest.mark.parametrize("rule", RULES)
def test_agrees_across_block_boundaries(rule):
    # two whole blocks and a partial third, so every block-size edge is crossed
    rng = np.random.default_rng(7)
    n = 2 * CLASSIFY_BLOCK + 1_001
    pre = np.round(rng.uniform(0, 40, n), 1)
    post = rng.integers(0, 41, n).astype(float)
    codes = classify_many(pre, post, **rule)
    for block_edge in (0, CLASSIFY_BLOCK - 1, CLASSIFY_BLOCK, 2 * CLASSIFY_BLOCK, n - 1):
        window = slice(max(block_edge - 50, 0), block_edge + 50)
        assert np.array_equal(codes[window], scalar_codes(pre[window], post[window], rule))
    assert np.array_equal(codes[::97], scalar_codes(pre[::97], post[::97], rule))


def test_nan_in_a_later_block_is_named_with_its_position_in_the_whole_array():
    pre = np.full(CLASSIFY_BLOCK + 10, 18.0)
    post = np.full(CLASSIFY_BLOCK + 10, 8.0)
    pre[CLASSIFY_BLOCK + 3] = np.inf
    with pytest.raises(
        ValueError, match=f"pre must hold finite numbers, found inf at index {CLASSIFY_BLOCK + 3}"
    ):
        classify_many(pre, post, cutoff=10, threshold=6)


def test_a_change_too_large_for_a_float_is_still_classified():
    # -1e308 - 1e308 overflows to -inf; both scores are finite, so it is a huge gain
    codes = classify_many([1e308], [-1e308], cutoff=10, threshold=6)
    assert list(np.array(CATEGORIES)[codes]) == ["recovered"]
