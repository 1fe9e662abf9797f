import math

import pytest

from strides.progress import ANXIETY_MEASURES, PHQ9, talking_therapies_outcome


def outcome(phq9, anxiety, attended=6, **kwargs):
    return talking_therapies_outcome(phq9=phq9, anxiety=anxiety, attended=attended, **kwargs)


def test_reliable_recovery_from_caseness():
    tt = outcome((16, 6), (12, 5))
    assert tt.finished_course
    assert tt.caseness
    assert tt.recovered
    assert tt.reliable_improvement
    assert not tt.reliable_deterioration
    assert tt.reliable_recovery


def test_caseness_thresholds_are_inclusive():
    assert outcome((10, 2), (0, 0)).caseness  # PHQ-9 10
    assert outcome((0, 0), (8, 2)).caseness  # GAD-7 8
    assert outcome((9, 2), (7, 2)).caseness is False


def test_not_at_caseness_leaves_recovery_out():
    tt = outcome((9, 2), (7, 1))
    assert tt.caseness is False
    assert tt.recovered is None
    assert tt.reliable_recovery is None
    assert tt.reliable_improvement is True  # PHQ-9 improved by 7


def test_still_at_caseness_on_one_measure_is_not_recovered():
    tt = outcome((16, 6), (12, 8))  # GAD-7 8 is still caseness
    assert tt.recovered is False
    assert tt.reliable_recovery is False
    assert tt.reliable_improvement is True


def test_recovered_without_reliable_improvement_is_not_reliable_recovery():
    tt = outcome((11, 7), (8, 6))
    assert tt.recovered is True
    assert tt.reliable_improvement is False
    assert tt.reliable_recovery is False


def test_reliable_change_thresholds_are_inclusive():
    assert outcome((16, 10), (5, 5)).reliable_improvement  # PHQ-9 exactly 6
    assert outcome((5, 5), (12, 8)).reliable_improvement  # GAD-7 exactly 4
    assert not outcome((16, 11), (12, 9)).reliable_improvement  # 5 and 3
    assert outcome((10, 16), (5, 5)).reliable_deterioration  # PHQ-9 up exactly 6
    assert outcome((5, 5), (8, 12)).reliable_deterioration  # GAD-7 up exactly 4


def test_deterioration_on_one_measure_cancels_improvement_on_the_other():
    tt = outcome((20, 8), (6, 10))
    assert tt.reliable_deterioration is True
    assert tt.reliable_improvement is False
    assert tt.reliable_recovery is False


def test_course_not_finished_gives_none_fields():
    tt = outcome((16, 6), (12, 5), ended=False)
    assert tt.finished_course is False
    assert (
        tt.caseness,
        tt.recovered,
        tt.reliable_improvement,
        tt.reliable_deterioration,
        tt.reliable_recovery,
    ) == (None, None, None, None, None)


@pytest.mark.parametrize("attended", [0, 1])
def test_fewer_than_two_attended_sessions_is_not_a_finished_course(attended):
    tt = outcome((16, 6), (12, 5), attended=attended)
    assert tt.finished_course is False
    assert tt.caseness is None
    assert tt.reliable_improvement is None


def test_two_attended_sessions_is_a_finished_course():
    assert outcome((16, 6), (12, 5), attended=2).finished_course


def test_disorder_specific_measure_uses_its_own_thresholds():
    spin = ANXIETY_MEASURES["spin"]
    tt = outcome(
        (5, 5), (spin.caseness, spin.caseness - spin.reliable_change), anxiety_measure="spin"
    )
    assert tt.caseness
    assert tt.reliable_improvement
    assert tt.recovered


def test_gad7_thresholds_match_clinical_md_and_others_are_marked_verify():
    assert (PHQ9.caseness, PHQ9.reliable_change) == (10, 6)
    gad7 = ANXIETY_MEASURES["gad7"]
    assert (gad7.caseness, gad7.reliable_change, gad7.verified) == (8, 4, True)
    assert {"spin", "iesr", "pcl5", "mi", "oci", "pdss", "hai"} <= set(ANXIETY_MEASURES)
    assert not any(m.verified for code, m in ANXIETY_MEASURES.items() if code != "gad7")


def test_unknown_anxiety_measure_is_refused():
    with pytest.raises(ValueError, match="unknown anxiety measure 'bai'; known measures: gad7"):
        outcome((16, 6), (12, 5), anxiety_measure="bai")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"phq9": (math.nan, 6)}, "phq9 must be a finite number"),
        ({"anxiety": (12, -1)}, "anxiety scores cannot be negative"),
        ({"phq9": (16,)}, "phq9 must be a \\(first, last\\) pair"),
        ({"attended": -1}, "attended must be zero or more"),
    ],
)
def test_invalid_inputs_are_refused(kwargs, message):
    arguments = {"phq9": (16, 6), "anxiety": (12, 5), "attended": 6} | kwargs
    with pytest.raises(ValueError, match=message):
        talking_therapies_outcome(**arguments)


def test_either_reading_counts_deterioration_on_one_measure_whatever_the_other_did():
    # PHQ-9 reliably worse (+6), GAD-7 reliably better (-4)
    tt = outcome((10, 16), (12, 8), deterioration="either")
    assert tt.reliable_deterioration is True
    assert tt.reliable_improvement is False


def test_no_improvement_on_other_reading_needs_the_other_measure_not_reliably_improved():
    tt = outcome((10, 16), (12, 8), deterioration="no_improvement_on_other")
    assert tt.reliable_deterioration is False
    assert tt.reliable_improvement is False
    # the other measure only 3 better: not reliable, so this is deterioration again
    assert outcome(
        (10, 16), (12, 9), deterioration="no_improvement_on_other"
    ).reliable_deterioration
    # both worse: deterioration under both readings
    for rule in ("either", "no_improvement_on_other"):
        assert outcome((10, 16), (8, 12), deterioration=rule).reliable_deterioration


def test_default_reading_is_either():
    assert outcome((10, 16), (12, 8)).reliable_deterioration is True


def test_unknown_deterioration_rule_is_refused():
    with pytest.raises(ValueError, match="unknown deterioration rule 'any'; use one of: either"):
        outcome((10, 16), (12, 8), deterioration="any")


def test_a_course_counts_treatment_sessions_only():
    # one assessment and one treatment session: not a finished course
    history_with_assessment = talking_therapies_outcome(phq9=(16, 6), anxiety=(12, 5), attended=1)
    assert history_with_assessment.finished_course is False
