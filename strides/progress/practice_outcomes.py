"""Outcome statistics for a team or a practice (CLINICAL.md sections 5 and 8).

Pure: plain numbers and numpy arrays in, plain values out. Every figure carries its n,
and a figure with n below `MIN_REPORTED_N` is marked hidden rather than shown as noise.

- Rates use the Wilson score interval (Wilson 1927), 95 % by default:
  centre = (p + z²/2n) / (1 + z²/n),  half = z / (1 + z²/n) · sqrt(p(1 - p)/n + z²/4n²).
- Pre-post d = mean(pre - post) / SD_pre for a lower-is-better measure, times the
  small-sample correction J = 1 - 3/(4n - 5) (Minami et al. 2007 convention). Its
  interval is d ± z · SE with the repeated-measures variance of Becker (1988):
  SE² = 2(1 - r)/n + d²/(2n), r the pre-post correlation of the same courses.
- Severity-adjusted effect size: change (pre - post) regressed on intake across the
  practice by least squares; for a group, SAES = (mean observed change - mean predicted
  change + grand mean change) / SD_intake, SD_intake the practice's intake SD. Its
  interval treats each course's adjusted change (observed - predicted + grand mean) as a
  sample: SE = SD(adjusted) / sqrt(n) / SD_intake (the regression's own uncertainty is
  left out, so the interval is slightly too narrow; said wherever it is shown).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Z95 = 1.959963984540054  # two-sided 95 %
MIN_REPORTED_N = 10  # CLINICAL.md section 8: hide figures with n < 10

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Rate:
    """`count` of `n`; proportion and interval are None when hidden (n < min_n) or n == 0."""

    count: int
    n: int
    proportion: float | None
    low: float | None
    high: float | None

    @property
    def shown(self) -> bool:
        return self.proportion is not None


def wilson_interval(count: int, n: int, *, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of count/n (n > 0)."""
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    if not 0 <= count <= n:
        raise ValueError(f"count must be between 0 and n ({n}), got {count}")
    p = count / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(count: int, n: int, *, min_n: int = MIN_REPORTED_N, z: float = Z95) -> Rate:
    if n < min_n or n == 0:
        return Rate(count, n, None, None, None)
    low, high = wilson_interval(count, n, z=z)
    return Rate(count, n, count / n, low, high)


def rate_of(flags: BoolArray, *, min_n: int = MIN_REPORTED_N) -> Rate:
    """The rate of True among `flags` (the denominator already selected)."""
    return rate(int(np.count_nonzero(flags)), int(flags.size), min_n=min_n)


@dataclass(frozen=True)
class EffectSize:
    """An effect size with its interval; value and interval None when hidden or undefined."""

    n: int
    value: float | None
    low: float | None
    high: float | None

    @property
    def shown(self) -> bool:
        return self.value is not None


def prepost_d(
    pre: FloatArray,
    post: FloatArray,
    *,
    lower_is_better: bool = True,
    min_n: int = MIN_REPORTED_N,
    z: float = Z95,
) -> EffectSize:
    """Pre-post Cohen's d (positive = improvement) with the small-sample correction."""
    pre, post = np.asarray(pre, dtype=np.float64), np.asarray(post, dtype=np.float64)
    if pre.shape != post.shape:
        raise ValueError("pre and post must hold the same courses")
    n = int(pre.size)
    if n < max(min_n, 3):
        return EffectSize(n, None, None, None)
    sd_pre = float(np.std(pre, ddof=1))
    if sd_pre == 0:
        return EffectSize(n, None, None, None)
    improvement = pre - post if lower_is_better else post - pre
    d = float(np.mean(improvement)) / sd_pre * (1 - 3 / (4 * n - 5))
    r = _correlation(pre, post)
    se = math.sqrt(2 * (1 - r) / n + d * d / (2 * n))
    return EffectSize(n, d, d - z * se, d + z * se)


def _correlation(a: FloatArray, b: FloatArray) -> float:
    if float(np.std(a)) == 0 or float(np.std(b)) == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


@dataclass(frozen=True)
class SeverityModel:
    """change = intercept + slope · intake, fitted on the whole practice."""

    intercept: float
    slope: float
    grand_mean_change: float
    sd_intake: float
    n: int


def severity_model(
    pre: FloatArray, post: FloatArray, *, lower_is_better: bool = True
) -> SeverityModel | None:
    """The practice-wide regression of change on intake; None without two distinct intakes."""
    pre, post = np.asarray(pre, dtype=np.float64), np.asarray(post, dtype=np.float64)
    if pre.size < 3 or float(np.std(pre)) == 0:
        return None
    change = pre - post if lower_is_better else post - pre
    slope, intercept = np.polyfit(pre, change, 1)
    return SeverityModel(
        intercept=float(intercept),
        slope=float(slope),
        grand_mean_change=float(np.mean(change)),
        sd_intake=float(np.std(pre, ddof=1)),
        n=int(pre.size),
    )


def severity_adjusted(
    model: SeverityModel | None,
    pre: FloatArray,
    post: FloatArray,
    *,
    lower_is_better: bool = True,
    min_n: int = MIN_REPORTED_N,
    z: float = Z95,
) -> EffectSize:
    """The SAES of a group (its courses' pre and post) against the practice's model."""
    pre, post = np.asarray(pre, dtype=np.float64), np.asarray(post, dtype=np.float64)
    n = int(pre.size)
    if model is None or n < max(min_n, 2):
        return EffectSize(n, None, None, None)
    change = pre - post if lower_is_better else post - pre
    predicted = model.intercept + model.slope * pre
    adjusted = change - predicted + model.grand_mean_change
    value = float(np.mean(adjusted)) / model.sd_intake
    se = float(np.std(adjusted, ddof=1)) / math.sqrt(n) / model.sd_intake
    return EffectSize(n, value, value - z * se, value + z * se)


@dataclass(frozen=True)
class Benchmark:
    """A published effect size to compare with; `verified` False until checked at source."""

    label: str
    value: float
    verified: bool
    source: str


@dataclass(frozen=True)
class BenchmarkComparison:
    benchmark: Benchmark
    verdict: str  # "above", "below" or "within" (the interval contains the benchmark)


def compare(effect: EffectSize, benchmarks: Sequence[Benchmark]) -> list[BenchmarkComparison]:
    if effect.low is None or effect.high is None:
        return []
    comparisons = []
    for benchmark in benchmarks:
        if effect.low > benchmark.value:
            verdict = "above"
        elif effect.high < benchmark.value:
            verdict = "below"
        else:
            verdict = "within"
        comparisons.append(BenchmarkComparison(benchmark, verdict))
    return comparisons


# Measures completed per course, counted into these closed ranges (the last is open).
MEASURE_COUNT_BINS: tuple[tuple[int, int | None], ...] = (
    (0, 0),
    (1, 1),
    (2, 2),
    (3, 5),
    (6, 10),
    (11, None),
)


def count_distribution(counts: npt.NDArray[np.int64]) -> list[tuple[str, int]]:
    """How many courses fall in each MEASURE_COUNT_BINS range, with the range's words."""
    counts = np.asarray(counts, dtype=np.int64)
    rows = []
    for low, high in MEASURE_COUNT_BINS:
        if high is None:
            label, inside = f"{low} or more", counts >= low
        elif low == high:
            label, inside = str(low), counts == low
        else:
            label, inside = f"{low} to {high}", (counts >= low) & (counts <= high)
        rows.append((label, int(np.count_nonzero(inside))))
    return rows
