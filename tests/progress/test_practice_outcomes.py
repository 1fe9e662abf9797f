"""Practice outcome statistics equal a hand computation (CLINICAL.md section 8)."""

import math
import statistics
from unittest import TestCase

import numpy as np

from strides.progress.practice_outcomes import (
    Benchmark,
    EffectSize,
    compare,
    count_distribution,
    prepost_d,
    rate,
    severity_adjusted,
    severity_model,
    wilson_interval,
)

Z = 1.959963984540054


def hand_wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = (Z / (1 + Z**2 / n)) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


class WilsonTests(TestCase):
    def test_matches_the_formula(self) -> None:
        for k, n in ((7, 12), (0, 10), (10, 10), (3, 41)):
            low, high = wilson_interval(k, n)
            hand_low, hand_high = hand_wilson(k, n)
            self.assertAlmostEqual(low, max(0.0, hand_low), places=12)
            self.assertAlmostEqual(high, min(1.0, hand_high), places=12)

    def test_published_example(self) -> None:
        # 8 of 10: the Wilson 95 % interval is 0.4902 to 0.9433 (Newcombe 1998, method 3).
        low, high = wilson_interval(8, 10)
        self.assertAlmostEqual(low, 0.4902, places=4)
        self.assertAlmostEqual(high, 0.9433, places=4)

    def test_rates_under_ten_are_hidden_but_keep_their_n(self) -> None:
        hidden = rate(5, 9)
        self.assertFalse(hidden.shown)
        self.assertEqual((hidden.count, hidden.n, hidden.low), (5, 9, None))
        shown = rate(5, 10)
        self.assertTrue(shown.shown)
        self.assertEqual(shown.proportion, 0.5)

    def test_refuses_impossible_counts(self) -> None:
        with self.assertRaises(ValueError):
            wilson_interval(11, 10)


PRE = [18.0, 15, 20, 12, 22, 16, 11, 24, 14, 19, 6, 8]
POST = [6.0, 14, 8, 18, 11, 9, 10, 12, 4, 17, 4, 14]


class EffectSizeTests(TestCase):
    def test_prepost_d_with_small_sample_correction_and_interval(self) -> None:
        n = len(PRE)
        mean_change = statistics.mean(a - b for a, b in zip(PRE, POST, strict=True))
        d = mean_change / statistics.stdev(PRE) * (1 - 3 / (4 * n - 5))
        r = statistics.correlation(PRE, POST)
        se = math.sqrt(2 * (1 - r) / n + d * d / (2 * n))
        found = prepost_d(np.array(PRE), np.array(POST))
        self.assertEqual(found.n, n)
        assert found.value is not None and found.low is not None and found.high is not None
        self.assertAlmostEqual(found.value, d, places=10)
        self.assertAlmostEqual(found.low, d - Z * se, places=10)
        self.assertAlmostEqual(found.high, d + Z * se, places=10)

    def test_higher_is_better_turns_the_sign(self) -> None:
        lower = prepost_d(np.array(PRE), np.array(POST))
        higher = prepost_d(np.array(POST), np.array(PRE), lower_is_better=False)
        assert lower.value is not None and higher.value is not None
        self.assertGreater(lower.value, 0)
        self.assertGreater(higher.value, 0)

    def test_d_under_ten_courses_is_hidden(self) -> None:
        self.assertEqual(
            prepost_d(np.array(PRE[:9]), np.array(POST[:9])), EffectSize(9, None, None, None)
        )

    def test_severity_adjusted_effect_size(self) -> None:
        change = [a - b for a, b in zip(PRE, POST, strict=True)]
        slope, intercept = statistics.linear_regression(PRE, change)
        grand = statistics.mean(change)
        sd_intake = statistics.stdev(PRE)
        group = range(10)  # the first ten courses are the team
        adjusted = [change[i] - (intercept + slope * PRE[i]) + grand for i in group]
        saes = statistics.mean(adjusted) / sd_intake
        se = statistics.stdev(adjusted) / math.sqrt(10) / sd_intake

        model = severity_model(np.array(PRE), np.array(POST))
        found = severity_adjusted(model, np.array(PRE[:10]), np.array(POST[:10]))
        assert found.value is not None and found.low is not None and found.high is not None
        self.assertAlmostEqual(found.value, saes, places=10)
        self.assertAlmostEqual(found.low, saes - Z * se, places=10)
        self.assertAlmostEqual(found.high, saes + Z * se, places=10)

    def test_whole_practice_saes_is_its_mean_change_over_intake_sd(self) -> None:
        model = severity_model(np.array(PRE), np.array(POST))
        found = severity_adjusted(model, np.array(PRE), np.array(POST))
        change = statistics.mean(a - b for a, b in zip(PRE, POST, strict=True))
        assert found.value is not None
        self.assertAlmostEqual(found.value, change / statistics.stdev(PRE), places=10)

    def test_benchmark_comparison_uses_the_interval(self) -> None:
        effect = EffectSize(20, 0.9, 0.7, 1.1)
        benchmarks = [
            Benchmark("low bar", 0.5, False, "test"),
            Benchmark("inside", 0.8, False, "test"),
            Benchmark("high bar", 1.2, True, "test"),
        ]
        verdicts = [c.verdict for c in compare(effect, benchmarks)]
        self.assertEqual(verdicts, ["above", "within", "below"])
        self.assertEqual(compare(EffectSize(5, None, None, None), benchmarks), [])


class DistributionTests(TestCase):
    def test_measures_per_course_fall_in_closed_ranges(self) -> None:
        counts = np.array([0, 1, 2, 2, 3, 5, 6, 10, 11, 40])
        self.assertEqual(
            count_distribution(counts),
            [("0", 1), ("1", 1), ("2", 2), ("3 to 5", 2), ("6 to 10", 2), ("11 or more", 2)],
        )
