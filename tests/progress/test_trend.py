import math

import pytest

from strides.progress import trend


def test_slope_is_points_per_session():
    result = trend([(1, 20), (2, 18), (3, 16), (4, 14)])
    assert result.slope == pytest.approx(-2)
    assert result.standard_error == pytest.approx(0)
    assert result.points == 4


def test_standard_error_matches_the_textbook_formula():
    series = [(1, 20), (2, 17), (4, 15), (7, 9), (8, 10)]
    x = [s for s, _ in series]
    y = [v for _, v in series]
    mx, my = sum(x) / 5, sum(y) / 5
    sxx = sum((a - mx) ** 2 for a in x)
    slope = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sxx
    residuals = [b - my - slope * (a - mx) for a, b in zip(x, y, strict=True)]
    se = math.sqrt(sum(r * r for r in residuals) / 3 / sxx)
    result = trend(series)
    assert result.slope == pytest.approx(slope)
    assert result.standard_error == pytest.approx(se)


def test_two_points_give_a_slope_without_standard_error():
    result = trend([(1, 20), (3, 16)])
    assert result.slope == pytest.approx(-2)
    assert result.standard_error is None


def test_one_point_gives_no_trend():
    result = trend([(1, 20)])
    assert result.slope is None
    assert result.standard_error is None
    assert result.points == 1
