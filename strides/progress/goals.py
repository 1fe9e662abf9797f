"""Goal progress ratings and Goal Attainment Scaling (CLINICAL.md section 6)."""

import math
from collections.abc import Sequence

from strides.progress.change import SCORE_TOLERANCE
from strides.progress.validation import require_finite

GOAL_RATING_MIN = 0.0
GOAL_RATING_MAX = 10.0
# A goal rated at or above this is celebrated (CLINICAL.md section 9).
GOAL_HIGH_RATING = 8.0
# Reliable improvement of a goal rating, last minus first (Edbrooke-Childs et al. 2015;
# CLINICAL.md marks it "verify").
GOAL_RELIABLE_CHANGE = 2.45

# Goal Attainment Scaling (Kiresuk & Sherman 1968): levels -2..+2, 0 = expected outcome.
GAS_LEVELS = frozenset({-2, -1, 0, 1, 2})
GAS_DEFAULT_RHO = 0.3


def validate_goal_rating(rating: float) -> None:
    require_finite(rating, "goal rating")
    if not GOAL_RATING_MIN <= rating <= GOAL_RATING_MAX:
        raise ValueError(f"a goal rating must be between 0 and 10, got {rating}")


def goal_rated_high(rating: float) -> bool:
    return rating >= GOAL_HIGH_RATING - SCORE_TOLERANCE


def goal_reliably_improved(first: float, later: float) -> bool:
    return later - first >= GOAL_RELIABLE_CHANGE - SCORE_TOLERANCE


def gas_t_score(
    levels: Sequence[int], weights: Sequence[float] | None = None, rho: float = GAS_DEFAULT_RHO
) -> float:
    """GAS T-score: 50 + 10·Σ(w·x) / sqrt((1 - rho)·Σw² + rho·(Σw)²).

    Each level is an integer from -2 to +2; weights default to 1; rho is the assumed
    correlation between goals (0.3 by convention).
    """
    if not levels:
        raise ValueError("GAS needs at least one goal level")
    for level in levels:
        if level not in GAS_LEVELS:
            raise ValueError(f"GAS levels must be whole numbers from -2 to +2, got {level!r}")
    goal_weights = [1.0] * len(levels) if weights is None else [float(w) for w in weights]
    if len(goal_weights) != len(levels):
        raise ValueError(
            f"give one weight per goal: {len(levels)} levels but {len(goal_weights)} weights"
        )
    for weight in goal_weights:
        require_finite(weight, "weight")
        if weight <= 0:
            raise ValueError(f"GAS weights must be positive, got {weight}")
    require_finite(rho, "rho")
    if not 0 <= rho <= 1:
        raise ValueError(f"rho must be between 0 and 1, got {rho}")
    weighted_sum = sum(w * x for w, x in zip(goal_weights, levels, strict=True))
    spread = (1 - rho) * sum(w * w for w in goal_weights) + rho * sum(goal_weights) ** 2
    return 50 + 10 * weighted_sum / math.sqrt(spread)
