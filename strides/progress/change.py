"""Reliable change and clinically significant change (Jacobson & Truax 1991).

CLINICAL.md sections 3 and 4. The scalar functions (`reliable_change`,
`clinical_significance`) and the vectorised `classify_many` apply the same rule
object with the same floating-point operations, so they agree exactly.
"""

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from strides.progress.validation import require_finite

Direction = Literal["improved", "deteriorated", "unchanged"]
Category = Literal["harmed", "deteriorated", "unchanged", "improved", "recovered"]

# Clinical-significance categories from worst to best; a category's code is its index,
# which is what `classify_many` returns: CATEGORIES[code] == category.
CATEGORIES: tuple[Category, ...] = ("harmed", "deteriorated", "unchanged", "improved", "recovered")
HARMED, DETERIORATED, UNCHANGED, IMPROVED, RECOVERED = range(len(CATEGORIES))

# |RCI| must be strictly greater than this to count as reliable (CLINICAL.md section 3).
RCI_CRITICAL = 1.96

# Totals are recorded to at most a few decimals, but their differences are not exact in
# binary floating point (12.2 - 6.2 == 5.999999999999999). A score or a change within
# this distance of a cut-off or a published threshold is treated as lying on it, so a
# 6.0-point CORE-10 change meets a 6-point threshold. The RCI (a ratio) is compared as is.
SCORE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ChangeRule:
    """How reliable change is judged: from SD and reliability (RCI), or a published threshold."""

    threshold: float  # reliable change in points
    se: float | None = None  # standard error of measurement, RCI form only
    sdiff: float | None = None  # standard error of the difference, RCI form only

    @classmethod
    def from_args(
        cls, *, sd: float | None, reliability: float | None, threshold: float | None
    ) -> "ChangeRule":
        """Validate the arguments: exactly one of (sd and reliability) or threshold."""
        has_rci = sd is not None or reliability is not None
        if has_rci and threshold is not None:
            raise ValueError(
                "give either sd and reliability (RCI) or a published threshold, not both"
            )
        if threshold is not None:
            require_finite(threshold, "threshold")
            if threshold <= SCORE_TOLERANCE:
                raise ValueError(f"threshold must be a positive number of points, got {threshold}")
            return cls(threshold=float(threshold))
        if sd is None or reliability is None:
            raise ValueError(
                "reliable change needs both sd and reliability, or a published threshold"
            )
        require_finite(sd, "sd")
        require_finite(reliability, "reliability")
        if sd <= 0:
            raise ValueError(f"sd must be positive, got {sd}")
        if not 0 <= reliability < 1:
            raise ValueError(
                f"reliability must be at least 0 and below 1, got {reliability} "
                "(1 would mean no measurement error at all)"
            )
        se = sd * math.sqrt(1 - reliability)
        sdiff = sd * math.sqrt(2 * (1 - reliability))  # sqrt(2) * SE, in one rounding step
        return cls(threshold=RCI_CRITICAL * sdiff, se=se, sdiff=sdiff)

    def is_reliable_gain(self, gain: float) -> bool:
        """Is a change of `gain` points in one direction reliable?"""
        if self.sdiff is not None:
            return bool(gain / self.sdiff > RCI_CRITICAL)
        return bool(gain >= self.threshold - SCORE_TOLERANCE)

    def reliable_gains(self, gain: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Vectorised `is_reliable_gain`, with the same operations."""
        if self.sdiff is not None:
            return np.asarray(gain / self.sdiff > RCI_CRITICAL)
        return np.asarray(gain >= self.threshold - SCORE_TOLERANCE)


@dataclass(frozen=True)
class ReliableChange:
    pre: float
    post: float
    change: float  # post - pre
    rci: float | None  # (post - pre) / Sdiff when SD and reliability were given
    se: float | None
    sdiff: float | None
    threshold: float  # reliable change in points: 1.96 * Sdiff, or the published value
    direction: Direction
    lower_is_better: bool

    @property
    def reliable(self) -> bool:
        return self.direction != "unchanged"


def reliable_change(
    pre: float,
    post: float,
    *,
    sd: float | None = None,
    reliability: float | None = None,
    threshold: float | None = None,
    lower_is_better: bool = True,
) -> ReliableChange:
    """Reliable change from `pre` to `post` (CLINICAL.md section 3).

    With `sd` and `reliability`: RCI = (post - pre) / Sdiff, reliable when |RCI| > 1.96.
    With a published `threshold` in points: reliable when |post - pre| >= threshold.
    """
    require_finite(pre, "pre")
    require_finite(post, "post")
    rule = ChangeRule.from_args(sd=sd, reliability=reliability, threshold=threshold)
    return _reliable_change(float(pre), float(post), rule, lower_is_better)


def _reliable_change(
    pre: float, post: float, rule: ChangeRule, lower_is_better: bool
) -> ReliableChange:
    change = post - pre
    gain = -change if lower_is_better else change
    direction: Direction = "unchanged"
    if rule.is_reliable_gain(gain):
        direction = "improved"
    elif rule.is_reliable_gain(-gain):
        direction = "deteriorated"
    return ReliableChange(
        pre=pre,
        post=post,
        change=change,
        rci=None if rule.sdiff is None else change / rule.sdiff,
        se=rule.se,
        sdiff=rule.sdiff,
        threshold=rule.threshold,
        direction=direction,
        lower_is_better=lower_is_better,
    )


@dataclass(frozen=True)
class CutoffSides:
    """Which side of a cut-off a score is on (CLINICAL.md section 4).

    A score on the cut-off counts on the high side (`score >= cutoff`), as the manuals
    state their thresholds: clinical when lower is better (PHQ-9 10 is a case),
    functional when higher is better (WHO-5 13 is not poor wellbeing). Every score is
    therefore on exactly one side, and the side agrees with the caseness flag.
    """

    cutoff: float
    lower_is_better: bool

    def is_high(self, score: float) -> bool:
        return bool(score >= self.cutoff - SCORE_TOLERANCE)

    def is_clinical(self, score: float) -> bool:
        return self.is_high(score) == self.lower_is_better

    def is_functional(self, score: float) -> bool:
        return not self.is_clinical(score)

    def high(self, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        return np.asarray(scores >= self.cutoff - SCORE_TOLERANCE)

    def clinical(self, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        high = self.high(scores)
        return high if self.lower_is_better else ~high

    def functional(self, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        return ~self.clinical(scores)


@dataclass(frozen=True)
class ClinicalSignificance:
    category: Category
    reliable_change: ReliableChange
    cutoff: float
    clinical_pre: bool
    functional_post: bool

    @property
    def code(self) -> int:
        """The category's code, as returned by `classify_many`."""
        return CATEGORIES.index(self.category)


def clinical_significance(
    pre: float,
    post: float,
    *,
    cutoff: float,
    sd: float | None = None,
    reliability: float | None = None,
    threshold: float | None = None,
    lower_is_better: bool = True,
) -> ClinicalSignificance:
    """Jacobson & Truax category of the change from `pre` to `post` (CLINICAL.md section 4)."""
    require_finite(pre, "pre")
    require_finite(post, "post")
    require_finite(cutoff, "cutoff")
    rule = ChangeRule.from_args(sd=sd, reliability=reliability, threshold=threshold)
    sides = CutoffSides(float(cutoff), lower_is_better)
    rc = _reliable_change(float(pre), float(post), rule, lower_is_better)
    clinical_pre = sides.is_clinical(rc.pre)
    functional_post = sides.is_functional(rc.post)
    category: Category = "unchanged"
    if rc.direction == "improved":
        category = "recovered" if clinical_pre and functional_post else "improved"
    elif rc.direction == "deteriorated":
        harmed = not clinical_pre and not functional_post
        category = "harmed" if harmed else "deteriorated"
    return ClinicalSignificance(
        category=category,
        reliable_change=rc,
        cutoff=sides.cutoff,
        clinical_pre=clinical_pre,
        functional_post=functional_post,
    )


# classify_many works through the arrays in blocks of this many pairs, so the dozen
# elementwise steps of a block run on data that stays in the CPU cache (1,000,000 pairs:
# about 2x one numpy subtraction instead of 26x for whole-array steps).
CLASSIFY_BLOCK = 32_768


def classify_many(
    pre: npt.ArrayLike,
    post: npt.ArrayLike,
    *,
    cutoff: float,
    sd: float | None = None,
    reliability: float | None = None,
    threshold: float | None = None,
    lower_is_better: bool = True,
) -> npt.NDArray[np.int8]:
    """Vectorised `clinical_significance(...).code` for arrays of pre and post scores.

    Returns int8 codes: 0 harmed, 1 deteriorated, 2 unchanged, 3 improved, 4 recovered
    (indexes into CATEGORIES; `np.array(CATEGORIES)[codes]` gives the names). The
    comparisons are the scalar rule's, in the same floating-point operations: the change
    is `post - pre` (divided by Sdiff for the RCI), and "the gain is at least the
    threshold" for a gain of `-change` is the exact mirror "the change is at most minus
    the threshold", because negation and subtraction round symmetrically.
    """
    pre_arr = np.ascontiguousarray(pre, dtype=np.float64)
    post_arr = np.ascontiguousarray(post, dtype=np.float64)
    if pre_arr.shape != post_arr.shape:
        raise ValueError(
            f"pre and post must have the same shape, got {pre_arr.shape} and {post_arr.shape}"
        )
    require_finite(cutoff, "cutoff")
    rule = ChangeRule.from_args(sd=sd, reliability=reliability, threshold=threshold)
    codes = np.empty(pre_arr.shape, dtype=np.int8)
    blocks = _ClassifyBlocks(rule, float(cutoff), lower_is_better, min(CLASSIFY_BLOCK, codes.size))
    pre_flat, post_flat, codes_flat = pre_arr.reshape(-1), post_arr.reshape(-1), codes.reshape(-1)
    # A change beyond the float range is an infinite gain or loss, as in the scalar rule.
    with np.errstate(over="ignore"):
        for start in range(0, codes.size, CLASSIFY_BLOCK):
            block = slice(start, start + CLASSIFY_BLOCK)
            blocks.classify(pre_flat[block], post_flat[block], codes_flat[block], start)
    return codes


class _ClassifyBlocks:
    """The scratch arrays and steps of `classify_many` for one block of pairs."""

    def __init__(self, rule: ChangeRule, cutoff: float, lower_is_better: bool, size: int):
        self.sdiff = rule.sdiff
        # The RCI must be strictly beyond 1.96; a point threshold is met within tolerance.
        self.limit = RCI_CRITICAL if rule.sdiff is not None else rule.threshold - SCORE_TOLERANCE
        strict = rule.sdiff is not None
        self.low = np.less if strict else np.less_equal
        self.high = np.greater if strict else np.greater_equal
        self.cutoff = cutoff - SCORE_TOLERANCE  # CutoffSides.high: score >= cutoff - tolerance
        self.lower_is_better = lower_is_better
        self.change = np.empty(size, dtype=np.float64)
        # 0/1 flags as uint8, so they add and subtract into codes without a cast.
        self.better, self.worse, self.clinical_pre, self.functional_post, self.scratch = (
            np.empty(size, dtype=np.uint8) for _ in range(5)
        )

    def classify(
        self,
        pre: npt.NDArray[np.float64],
        post: npt.NDArray[np.float64],
        out: npt.NDArray[np.int8],
        offset: int,
    ) -> None:
        n = pre.size
        change = self.change[:n]
        better, worse, scratch = self.better[:n], self.worse[:n], self.scratch[:n]
        clinical_pre, functional_post = self.clinical_pre[:n], self.functional_post[:n]
        np.subtract(post, pre, out=change)
        if not math.isfinite(float(change.sum())):
            _require_finite_block(pre, post, offset)
        if self.sdiff is not None:
            np.divide(change, self.sdiff, out=change)
        as_bool = np.bool_
        if self.lower_is_better:
            self.low(change, -self.limit, out=better.view(as_bool))
            self.high(change, self.limit, out=worse.view(as_bool))
            np.greater_equal(pre, self.cutoff, out=clinical_pre.view(as_bool))
            np.less(post, self.cutoff, out=functional_post.view(as_bool))
        else:
            self.high(change, self.limit, out=better.view(as_bool))
            self.low(change, -self.limit, out=worse.view(as_bool))
            np.less(pre, self.cutoff, out=clinical_pre.view(as_bool))
            np.greater_equal(post, self.cutoff, out=functional_post.view(as_bool))
        codes = out.view(np.uint8)
        # unchanged + improved + recovered - deteriorated - harmed, each a 0/1 flag:
        # recovered = better and clinical before and functional after;
        # harmed = worse and neither clinical before nor functional after.
        np.bitwise_and(clinical_pre, functional_post, out=scratch)
        np.bitwise_and(scratch, better, out=scratch)
        np.add(better, scratch, out=codes)
        np.bitwise_or(clinical_pre, functional_post, out=scratch)
        np.greater(worse, scratch, out=scratch.view(as_bool))
        np.subtract(codes, worse, out=codes)
        np.subtract(codes, scratch, out=codes)
        np.add(codes, np.uint8(UNCHANGED), out=codes)


def _require_finite_block(
    pre: npt.NDArray[np.float64], post: npt.NDArray[np.float64], offset: int
) -> None:
    """Name the first score that is not a finite number (a huge finite change is fine)."""
    for name, values in (("pre", pre), ("post", post)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise ValueError(
                f"{name} must hold finite numbers, found {values[bad[0]]} at index "
                f"{offset + int(bad[0])}"
            )


@dataclass(frozen=True)
class Cutoffs:
    a: float  # two clinical SDs beyond the clinical mean, in the better direction
    b: float  # two functional SDs from the functional mean, towards the clinical side
    c: float  # weighted midpoint between the two means


def cutoffs(
    m_clinical: float,
    sd_clinical: float,
    m_functional: float,
    sd_functional: float,
    *,
    lower_is_better: bool = True,
) -> Cutoffs:
    """Jacobson & Truax cut-offs a, b and c from clinical and functional norms.

    b uses the functional SD, as Jacobson & Truax do (CLINICAL.md section 4).
    """
    for value, name in (
        (m_clinical, "m_clinical"),
        (sd_clinical, "sd_clinical"),
        (m_functional, "m_functional"),
        (sd_functional, "sd_functional"),
    ):
        require_finite(value, name)
    if sd_clinical <= 0 or sd_functional <= 0:
        raise ValueError(
            f"standard deviations must be positive, got {sd_clinical} and {sd_functional}"
        )
    clinical_is_worse = m_clinical > m_functional if lower_is_better else m_clinical < m_functional
    if not clinical_is_worse:
        better = "lower" if lower_is_better else "higher"
        raise ValueError(
            f"the clinical mean ({m_clinical}) must be worse than the functional mean "
            f"({m_functional}) when {better} scores are better"
        )
    toward_better = -1.0 if lower_is_better else 1.0
    return Cutoffs(
        a=m_clinical + toward_better * 2 * sd_clinical,
        b=m_functional - toward_better * 2 * sd_functional,
        c=(sd_functional * m_clinical + sd_clinical * m_functional) / (sd_functional + sd_clinical),
    )
