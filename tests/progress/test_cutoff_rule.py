"""One cut-off rule: a score on the cut-off counts on the high side (CLINICAL.md §4).

For every shipped instrument with a cut-off, the clinical-significance sides agree with
the instrument's own caseness flag, for any answers, and on the cut-off itself.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strides.instruments import Instrument, list_instruments, score
from strides.progress import CATEGORIES, classify_many, clinical_significance
from tests.instruments.helpers import answers_totalling

WITH_CUTOFF = [i for i in list_instruments() if i.cutoff is not None]


def test_every_instrument_with_a_total_and_a_published_cut_off_is_covered():
    assert [i.code for i in WITH_CUTOFF] == ["core10", "gad7", "pcl5", "phq9", "who5"]


def significance(instrument: Instrument, pre: float, post: float):
    assert instrument.cutoff is not None and instrument.reliable_change is not None
    return clinical_significance(
        pre,
        post,
        cutoff=instrument.cutoff,
        threshold=instrument.reliable_change,
        lower_is_better=instrument.lower_is_better,
    )


def answers_for(instrument: Instrument):
    """Any answers, with up to the instrument's allowed number of items missing."""
    options = {
        item.number: st.sampled_from([o.value for o in item.options]) for item in instrument.items
    }
    return st.fixed_dictionaries(options).flatmap(
        lambda answers: st.lists(
            st.sampled_from(sorted(answers)), max_size=instrument.max_missing, unique=True
        ).map(lambda missing: {n: v for n, v in answers.items() if n not in missing})
    )


@pytest.mark.parametrize("instrument", WITH_CUTOFF, ids=lambda i: i.code)
def test_the_tie_on_the_cut_off_is_a_case_or_functional_as_the_caseness_flag_says(instrument):
    assert instrument.cutoff is not None and instrument.reliable_change is not None
    on_cutoff = score(instrument, answers_totalling(instrument, int(instrument.cutoff)))
    assert on_cutoff.total is not None and on_cutoff.total == instrument.cutoff
    is_case = "caseness" in on_cutoff.flags
    # lower is better: the cut-off is a case (PHQ-9 10); higher is better: it is not (WHO-5 13)
    assert is_case is instrument.lower_is_better
    result = significance(instrument, on_cutoff.total, on_cutoff.total)
    assert result.clinical_pre is is_case
    assert result.functional_post is not is_case


@pytest.mark.parametrize("instrument", WITH_CUTOFF, ids=lambda i: i.code)
def test_any_answers_give_a_side_that_agrees_with_the_caseness_flag(instrument):
    # Scoring a generated answer set can be slow on a loaded machine: no deadline.
    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(before=answers_for(instrument), after=answers_for(instrument))
    def check(before, after):
        first, last = score(instrument, before), score(instrument, after)
        assert first.total is not None and last.total is not None
        result = significance(instrument, first.total, last.total)
        assert result.clinical_pre is ("caseness" in first.flags)
        assert result.functional_post is ("caseness" not in last.flags)
        codes = classify_many(
            [first.total],
            [last.total],
            cutoff=float(instrument.cutoff or 0),
            threshold=instrument.reliable_change,
            lower_is_better=instrument.lower_is_better,
        )
        assert CATEGORIES[int(codes[0])] == result.category

    check()


def test_who5_caseness_is_its_poor_wellbeing_flag():
    who5 = next(i for i in WITH_CUTOFF if i.code == "who5")
    for raw in range(26):
        flags = score(who5, answers_totalling(who5, raw)).flags
        assert ("caseness" in flags) is ("poor_wellbeing" in flags) is (raw < 13)


@pytest.mark.parametrize(
    ("pre", "post", "expected"),
    [
        (10, 16, "deteriorated"),  # 10 is a case: no crossing into the clinical range
        (10, 3, "recovered"),  # a Talking Therapies reliable recovery
        (10, 4, "recovered"),
        (4, 10, "harmed"),  # functional to a case
        (16, 10, "improved"),  # still a case
    ],
)
def test_phq9_pairs_on_the_cut_off(pre, post, expected):
    phq9 = next(i for i in WITH_CUTOFF if i.code == "phq9")
    assert significance(phq9, pre, post).category == expected


def test_vectorised_and_scalar_agree_on_every_tie():
    for instrument in WITH_CUTOFF:
        assert instrument.cutoff is not None and instrument.reliable_change is not None
        cutoff = float(instrument.cutoff)
        values = np.array([cutoff - 20, cutoff - 10, cutoff, cutoff + 10, cutoff + 20])
        pre, post = np.meshgrid(values, values)
        codes = classify_many(
            pre,
            post,
            cutoff=cutoff,
            threshold=instrument.reliable_change,
            lower_is_better=instrument.lower_is_better,
        )
        for a, b, code in zip(pre.flat, post.flat, codes.flat, strict=True):
            assert significance(instrument, a, b).code == code
