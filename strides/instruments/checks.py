"""How the fields of a definition file fit together, beyond what the schema checks.

Every check returns problems as "field: what is wrong" in plain words; list positions
in field names count from 1, as a person reading the file counts them.
"""

import itertools
import math
from fractions import Fraction

from strides.instruments.builder import (
    THRESHOLD_COMPARISONS,
    build_item,
    exact,
    sum_range,
    total_range,
)
from strides.instruments.definition import RESERVED_FLAGS
from strides.instruments.schema import (
    BandSpec,
    InstrumentSpec,
    ItemCountFlagSpec,
    ItemSpec,
    ResponseSetSpec,
    SupplementaryItemSpec,
    ThresholdFlagSpec,
)


def find_problems(spec: InstrumentSpec) -> list[str]:
    problems = structure_problems(spec)
    if problems:
        # Range checks below need items whose responses resolve.
        return problems
    return range_problems(spec)


def structure_problems(spec: InstrumentSpec) -> list[str]:
    problems: list[str] = []
    for name, responses in spec.response_sets.items():
        problems += [f"response_sets.{name}: {p}" for p in response_set_problems(responses)]
    problems += item_problems(spec)
    problems += scoring_problems(spec)
    problems += caseness_and_change_problems(spec)
    problems += subscale_and_flag_problems(spec)
    problems += band_order_problems("bands", spec.bands)
    for position, sub in enumerate(spec.subscales, 1):
        problems += band_order_problems(f"subscales[{position}].bands", sub.bands)
    return problems


def response_set_problems(responses: ResponseSetSpec) -> list[str]:
    continuous = (responses.min, responses.max, responses.step)
    if responses.options is not None:
        if any(part is not None for part in continuous):
            return ["give either options or min/max/step, not both"]
        values = [option.value for option in responses.options]
        if not values:
            return ["options is empty"]
        if len(set(values)) != len(values):
            return ["two options have the same value"]
        return []
    if any(part is None for part in continuous):
        return ["give options, or all of min, max and step for a continuous scale"]
    assert responses.min is not None and responses.max is not None
    assert responses.step is not None
    low, high, step = exact(responses.min), exact(responses.max), exact(responses.step)
    if step <= 0:
        return ["step must be greater than 0"]
    if low >= high:
        return ["min must be below max"]
    if ((high - low) / step).denominator != 1:
        return ["max - min must be a whole number of steps"]
    return []


def item_problems(spec: InstrumentSpec) -> list[str]:
    problems = []
    if not spec.items:
        problems.append("items: an instrument needs at least one item")
    numbers = [item.number for item in spec.items]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"items: numbers must run 1, 2, 3 ... in order; found {numbers}")
    extra_numbers = [item.number for item in spec.supplementary_items]
    clashes = sorted(set(extra_numbers) & set(numbers))
    if clashes or len(set(extra_numbers)) != len(extra_numbers):
        problems.append("supplementary_items: numbers must be unique and differ from items")
    if spec.response_sets == {}:
        problems.append("response_sets: define at least one response set")
    listed: list[tuple[str, int, ItemSpec | SupplementaryItemSpec]]
    listed = [("items", i, item) for i, item in enumerate(spec.items, 1)]
    listed += [
        ("supplementary_items", i, item) for i, item in enumerate(spec.supplementary_items, 1)
    ]
    for group, position, item in listed:
        if item.responses is None and len(spec.response_sets) > 1:
            problems.append(
                f"{group}[{position}].responses: required when the file has more than one "
                "response set"
            )
        elif item.responses is not None and item.responses not in spec.response_sets:
            known = ", ".join(spec.response_sets)
            problems.append(
                f"{group}[{position}].responses: unknown response set {item.responses!r}; "
                f"known sets: {known}"
            )
    return problems


def scoring_problems(spec: InstrumentSpec) -> list[str]:
    scoring = spec.scoring
    problems = []
    item_numbers = {item.number for item in spec.items}
    has_not_applicable = any(item.not_applicable for item in spec.items)
    if has_not_applicable and scoring.not_applicable is None:
        problems.append(
            "scoring.not_applicable: an item offers 'not applicable', so say how it is scored "
            "('prorate' or 'exclude')"
        )
    if scoring.not_applicable is not None and not has_not_applicable:
        problems.append("scoring.not_applicable: no item offers a 'not applicable' answer")
    missing = scoring.missing
    if missing.prorate and not 1 <= missing.max_missing < len(spec.items):
        problems.append(
            "scoring.missing.max_missing: with prorate = true it must be at least 1 and "
            "below the number of items"
        )
    if scoring.reverse is not None:
        unknown = sorted(set(scoring.reverse.items) - item_numbers)
        if unknown:
            problems.append(f"scoring.reverse.items: no such items {unknown}")
    if not scoring.has_total:
        for name, present in (
            ("bands", spec.bands),
            ("caseness", spec.caseness),
            ("reliable_change", spec.reliable_change),
            ("scoring.percentage_multiplier", scoring.percentage_multiplier),
        ):
            if present:
                problems.append(f"{name}: not allowed when scoring.has_total = false")
        if not spec.subscales:
            problems.append("scoring.has_total: an instrument without a total needs subscales")
    return problems


def caseness_and_change_problems(spec: InstrumentSpec) -> list[str]:
    problems = []
    if spec.caseness is not None:
        given = [spec.caseness.at_or_above is not None, spec.caseness.below is not None]
        if sum(given) != 1:
            problems.append("caseness: give exactly one of at_or_above or below")
        elif spec.caseness.at_or_above is not None and spec.direction != "lower":
            problems.append("caseness.at_or_above: only for instruments where lower is better")
        elif spec.caseness.below is not None and spec.direction != "higher":
            problems.append("caseness.below: only for instruments where higher is better")
    change = spec.reliable_change
    if change is not None:
        if change.method == "points" and change.points is None:
            problems.append("reliable_change.points: required when method = 'points'")
        if change.method == "rci" and (change.sd is None or change.reliability is None):
            problems.append("reliable_change: method = 'rci' needs both sd and reliability")
    return problems


def subscale_and_flag_problems(spec: InstrumentSpec) -> list[str]:
    problems = []
    item_numbers = {item.number for item in spec.items}
    subscale_codes = [sub.code for sub in spec.subscales]
    if len(set(subscale_codes)) != len(subscale_codes):
        problems.append("subscales: two subscales have the same code")
    for position, sub in enumerate(spec.subscales, 1):
        unknown = sorted(set(sub.items) - item_numbers)
        if unknown:
            problems.append(f"subscales[{position}].items: no such items {unknown}")
        if len(set(sub.items)) != len(sub.items):
            problems.append(f"subscales[{position}].items: an item is listed twice")
    flag_codes = [flag.code for flag in spec.flags]
    if len(set(flag_codes)) != len(flag_codes):
        problems.append("flags: two flags have the same code")
    for position, flag in enumerate(spec.flags, 1):
        field = f"flags[{position}]"
        if flag.code in RESERVED_FLAGS:
            problems.append(f"{field}.code: {flag.code!r} is reserved for a built-in flag")
        if isinstance(flag, ThresholdFlagSpec):
            problems += threshold_flag_problems(spec, flag, field, subscale_codes)
        else:
            problems += item_count_flag_problems(spec, flag, field)
    return problems


def threshold_flag_problems(
    spec: InstrumentSpec, flag: ThresholdFlagSpec, field: str, subscale_codes: list[str]
) -> list[str]:
    problems = []
    if sum(getattr(flag, c) is not None for c in THRESHOLD_COMPARISONS) != 1:
        problems.append(f"{field}: give exactly one of {', '.join(THRESHOLD_COMPARISONS)}")
    if flag.score == "total" and not spec.scoring.has_total:
        problems.append(f"{field}.score: this instrument has no total")
    elif flag.score == "percentage" and spec.scoring.percentage_multiplier is None:
        problems.append(f"{field}.score: needs scoring.percentage_multiplier")
    elif flag.score not in ("total", "percentage", *subscale_codes):
        problems.append(
            f"{field}.score: must be 'total', 'percentage' or a subscale code, not {flag.score!r}"
        )
    return problems


def item_count_flag_problems(
    spec: InstrumentSpec, flag: ItemCountFlagSpec, field: str
) -> list[str]:
    problems = []
    sizes = {sub.code: len(sub.items) for sub in spec.subscales}
    for code, minimum in flag.minimum_per_subscale.items():
        if code not in sizes:
            problems.append(f"{field}.minimum_per_subscale: no subscale {code!r}")
        elif minimum > sizes[code]:
            problems.append(
                f"{field}.minimum_per_subscale.{code}: asks for {minimum} items but the "
                f"subscale has {sizes[code]}"
            )
    return problems


def range_problems(spec: InstrumentSpec) -> list[str]:
    items = {item.number: build_item(spec, item) for item in spec.items}
    problems = []
    reverse = spec.scoring.reverse
    if reverse is not None:
        for number in reverse.items:
            item = items[number]
            values = {option.value for option in item.options}
            if item.scale is not None or {reverse.subtract_from - v for v in values} != values:
                problems.append(
                    f"scoring.reverse.subtract_from: {reverse.subtract_from} - response does "
                    f"not map item {number}'s options onto themselves"
                )
    if spec.scoring.has_total:
        low, high = total_range(spec, tuple(items.values()))
        problems += band_coverage_problems("bands", spec.bands, low, high)
    for position, sub in enumerate(spec.subscales, 1):
        low, high = sum_range(items[n] for n in sub.items)
        problems += band_coverage_problems(f"subscales[{position}].bands", sub.bands, low, high)
    return problems


def band_order_problems(field: str, bands: list[BandSpec]) -> list[str]:
    """Bands must follow each other without gaps or overlaps."""
    codes = [band.code for band in bands]
    if len(set(codes)) != len(codes):
        return [f"{field}: two bands have the same code"]
    ordered = sorted(bands, key=lambda band: band.min)
    problems = [f"{field}: band {b.code!r} has min above max" for b in ordered if b.min > b.max]
    for before, after in itertools.pairwise(ordered):
        if after.min != before.max + 1:
            problems.append(
                f"{field}: bands {before.code!r} (to {before.max}) and {after.code!r} "
                f"(from {after.min}) leave a gap or overlap"
            )
    return problems


def band_coverage_problems(
    field: str, bands: list[BandSpec], low: Fraction, high: Fraction
) -> list[str]:
    """Bands must run from the lowest possible score to the highest."""
    if not bands:
        return []
    lowest, highest = math.floor(low), math.floor(high)
    first = min(band.min for band in bands)
    last = max(band.max for band in bands)
    if first != lowest or last != highest:
        return [
            f"{field}: bands must cover the scores {lowest} to {highest} exactly; they run "
            f"from {first} to {last}"
        ]
    return []
