"""Input checks shared by the progress rules: bad input raises ValueError, never guesses."""

import math


def require_finite(value: float, name: str) -> None:
    """Refuse NaN and infinities, which would otherwise make every comparison False."""
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
