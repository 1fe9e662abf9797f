"""NHS Talking Therapies paired-measure outcomes (CLINICAL.md section 5; Clark et al. 2018).

Recovery, reliable improvement, reliable deterioration and reliable recovery for an
episode that finished a course of treatment, from the first and last PHQ-9 scores and
the first and last scores of the episode's anxiety measure. All thresholds are inclusive.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from strides.progress.change import SCORE_TOLERANCE
from strides.progress.validation import require_finite

# A finished course of treatment: the episode ended with at least this many attended
# treatment sessions. Shorter episodes are reported separately, not counted.
MIN_ATTENDED_FOR_COURSE = 2

# Reliable deterioration has two published readings (CLINICAL.md section 5):
# "either": at least one measure reliably worse (CLINICAL.md; Clark et al. 2018);
# "no_improvement_on_other": one measure reliably worse and the other not reliably
# improved (the wording of some NHS Digital / Talking Therapies publications; verify
# against the current NHS Talking Therapies Manual). The practice chooses with the
# setting STRIDES_TT_DETERIORATION; "either" is the default.
DeteriorationRule = Literal["either", "no_improvement_on_other"]
DETERIORATION_RULES: tuple[DeteriorationRule, ...] = ("either", "no_improvement_on_other")


@dataclass(frozen=True)
class PairedMeasure:
    """A Talking Therapies measure: caseness at or above `caseness`, reliable change in points."""

    code: str
    name: str
    caseness: float
    reliable_change: float
    verified: bool  # False: taken from secondary sources, check before calling it final
    source: str


PHQ9 = PairedMeasure(
    code="phq9",
    name="PHQ-9",
    caseness=10,
    reliable_change=6,
    verified=True,
    source="NHS Talking Therapies Manual; CLINICAL.md section 5",
)

# The anxiety measure for the episode's problem (Clark et al. 2018, Table 2). The caller
# passes "gad7" when the disorder-specific measure is missing (the manual's fallback).
# Only GAD-7 is confirmed in CLINICAL.md. Every other row is marked verified=False: its
# caseness and reliable-change values come from secondary sources and must be checked
# against the current NHS Talking Therapies Manual before outcomes based on them are
# reported as final. PCL-5 uses 33, as CLINICAL.md section 2 does.
ANXIETY_MEASURES: Mapping[str, PairedMeasure] = MappingProxyType(
    {
        "gad7": PairedMeasure("gad7", "GAD-7", 8, 4, True, "CLINICAL.md section 5"),
        "spin": PairedMeasure("spin", "SPIN (social anxiety)", 19, 10, False, "verify"),
        "iesr": PairedMeasure("iesr", "IES-R (PTSD)", 33, 9, False, "verify"),
        "pcl5": PairedMeasure("pcl5", "PCL-5 (PTSD)", 33, 10, False, "verify"),
        "mi": PairedMeasure(
            "mi", "Mobility Inventory, alone (agoraphobia)", 2.3, 0.73, False, "verify"
        ),
        "oci": PairedMeasure("oci", "OCI-R (OCD)", 14, 14, False, "verify"),
        "pdss": PairedMeasure("pdss", "PDSS (panic disorder)", 8, 5, False, "verify"),
        "hai": PairedMeasure(
            "hai", "Short Health Anxiety Inventory (health anxiety)", 18, 4, False, "verify"
        ),
    }
)


@dataclass(frozen=True)
class TalkingTherapiesOutcome:
    """Outcome flags; every field but `finished_course` is None when the course did not finish.

    `recovered` and `reliable_recovery` are also None when the episode was not at
    caseness at the start (such episodes are outside the recovery rate's denominator).
    """

    finished_course: bool
    caseness: bool | None
    recovered: bool | None
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    reliable_recovery: bool | None


def anxiety_measure_for(code: str) -> PairedMeasure:
    try:
        return ANXIETY_MEASURES[code]
    except KeyError:
        known = ", ".join(sorted(ANXIETY_MEASURES))
        raise ValueError(f"unknown anxiety measure {code!r}; known measures: {known}") from None


def talking_therapies_outcome(
    *,
    phq9: tuple[float, float],
    anxiety: tuple[float, float],
    attended: int,
    anxiety_measure: str = "gad7",
    ended: bool = True,
    deterioration: str = "either",
) -> TalkingTherapiesOutcome:
    """Talking Therapies outcome from the (first, last) scores of PHQ-9 and the anxiety measure.

    `attended` counts attended treatment sessions (an assessment is not one).
    `deterioration` chooses the reading of reliable deterioration (DETERIORATION_RULES).
    """
    measure = anxiety_measure_for(anxiety_measure)
    if deterioration not in DETERIORATION_RULES:
        known = ", ".join(DETERIORATION_RULES)
        raise ValueError(f"unknown deterioration rule {deterioration!r}; use one of: {known}")
    for name, pair in (("phq9", phq9), ("anxiety", anxiety)):
        if len(pair) != 2:
            raise ValueError(f"{name} must be a (first, last) pair of scores, got {pair!r}")
        for score in pair:
            require_finite(score, name)
            if score < 0:
                raise ValueError(f"{name} scores cannot be negative, got {score}")
    if attended < 0:
        raise ValueError(f"attended must be zero or more sessions, got {attended}")

    finished_course = ended and attended >= MIN_ATTENDED_FOR_COURSE
    if not finished_course:
        return TalkingTherapiesOutcome(False, None, None, None, None, None)

    pairs = ((PHQ9, phq9), (measure, anxiety))
    caseness = any(_at_caseness(m, first) for m, (first, _) in pairs)
    phq9_better, anxiety_better = (_reliable(m, first - last) for m, (first, last) in pairs)
    phq9_worse, anxiety_worse = (_reliable(m, last - first) for m, (first, last) in pairs)
    improved = phq9_better or anxiety_better
    worse = phq9_worse or anxiety_worse
    reliable_improvement = improved and not worse
    if deterioration == "either":
        deteriorated = worse
    else:  # one measure reliably worse and the other not reliably improved
        deteriorated = (phq9_worse and not anxiety_better) or (anxiety_worse and not phq9_better)
    recovered: bool | None = None
    reliable_recovery: bool | None = None
    if caseness:
        recovered = not any(_at_caseness(m, last) for m, (_, last) in pairs)
        reliable_recovery = recovered and reliable_improvement
    return TalkingTherapiesOutcome(
        finished_course=True,
        caseness=caseness,
        recovered=recovered,
        reliable_improvement=reliable_improvement,
        reliable_deterioration=deteriorated,
        reliable_recovery=reliable_recovery,
    )


def _at_caseness(measure: PairedMeasure, score: float) -> bool:
    return score >= measure.caseness - SCORE_TOLERANCE


def _reliable(measure: PairedMeasure, points: float) -> bool:
    return points >= measure.reliable_change - SCORE_TOLERANCE
