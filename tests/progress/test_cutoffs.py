import pytest

from strides.progress import cutoffs


def test_lower_is_better_cutoffs():
    c = cutoffs(20, 5, 6, 4)
    assert c.a == 10  # 20 - 2*5
    assert c.b == 14  # 6 + 2*4, functional SD (Jacobson & Truax)
    assert c.c == pytest.approx((4 * 20 + 5 * 6) / 9)


def test_equal_sds_put_c_at_the_midpoint():
    assert cutoffs(20, 5, 10, 5).c == 15


def test_higher_is_better_cutoffs():
    c = cutoffs(10, 4, 20, 3, lower_is_better=False)
    assert c.a == 18  # 10 + 2*4
    assert c.b == 14  # 20 - 2*3
    assert c.c == pytest.approx((3 * 10 + 4 * 20) / 7)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((20, -5, 6, 4), {}, "standard deviations must be positive"),
        ((20, 5, 6, 0), {}, "standard deviations must be positive"),
        ((6, 5, 20, 4), {}, "clinical mean .* must be worse"),
        ((20, 5, 6, 4), {"lower_is_better": False}, "clinical mean .* must be worse"),
        ((float("nan"), 5, 6, 4), {}, "m_clinical must be a finite number"),
    ],
)
def test_invalid_norms_are_refused(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cutoffs(*args, **kwargs)
