"""Score one administration of an instrument: total, band, subscales and flags.

The rules (CLINICAL.md sections 1 and 2):
- A missing answer is never scored as 0. With `prorate` on and at most `max_missing`
  items missing, a sum is prorated as round_half_up(mean(answered) * n_items); a mean
  (CORE-10: 10 x mean) is the mean of the answered items. Beyond that the total is None
  and the result is flagged `incomplete`.
- Totals are rounded half up to the instrument's `decimals`; whole-number sums are
  untouched, prorated and mean totals are rounded.
- Reverse-keyed items are scored as `subtract_from - response`.
- A subscale is the sum of its items and needs every one of them answered.
- A risk item answered above 0 raises `risk`; left unanswered it raises
  `risk_unanswered`, whatever the total.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from strides.instruments.answers import CheckedAnswers, check_answers
from strides.instruments.definition import (
    Instrument,
    ItemCountFlag,
    Number,
    as_number,
    band_for,
)
from strides.instruments.loader import get_instrument


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """One scored administration. Totals are int when whole, float otherwise."""

    instrument: str
    total: Number | None
    band: str | None
    subscales: dict[str, Number]
    subscale_bands: dict[str, str]
    percentage: float | None
    flags: frozenset[str]
    item_scores: dict[int, Number]
    """Each answered item's scored value, after reverse keying."""
    answered: tuple[int, ...]
    missing: tuple[int, ...]
    """Scored items with no answer (including 'not applicable' when it is prorated)."""
    not_applicable: tuple[int, ...]
    risk_items_endorsed: tuple[int, ...]
    risk_items_unanswered: tuple[int, ...]

    @property
    def prorated(self) -> bool:
        return "prorated" in self.flags

    @property
    def incomplete(self) -> bool:
        return "incomplete" in self.flags


def round_half_up(value: Fraction, decimals: int) -> Fraction:
    scale = 10**decimals
    return Fraction(math.floor(value * scale + Fraction(1, 2)), scale)


def _scored(instrument: Instrument, number: int, response: Fraction) -> Fraction:
    subtract_from = instrument.reverse_subtract_from
    if instrument.item(number).reverse_keyed and subtract_from is not None:
        return subtract_from - response
    return response


def _total(
    instrument: Instrument, scores: dict[int, Fraction], counted: list[int]
) -> tuple[Fraction | None, bool]:
    """The total over the `counted` items and whether it was prorated."""
    answered = [scores[n] for n in counted if n in scores]
    n_missing = len(counted) - len(answered)
    if n_missing > instrument.max_missing or not answered:
        return None, False
    mean = sum(answered, Fraction(0)) / len(answered)
    if instrument.method == "mean":
        raw = mean * instrument.multiplier
    elif n_missing:
        raw = mean * len(counted) * instrument.multiplier
    else:
        raw = sum(answered, Fraction(0)) * instrument.multiplier
    rounded = round_half_up(raw, instrument.decimals)
    return rounded, n_missing > 0


def _item_count_flag_met(
    instrument: Instrument, rule: ItemCountFlag, checked: CheckedAnswers
) -> bool:
    for code, minimum in rule.minimum_per_subscale:
        items = instrument.subscale(code).items
        endorsed = [n for n in items if checked.values.get(n, Fraction(-1)) >= rule.endorsed_at]
        if len(endorsed) < minimum:
            return False
    return True


def _subscale_scores(
    instrument: Instrument, scores: dict[int, Fraction], excluded: frozenset[int]
) -> dict[str, Fraction]:
    """Sums of the subscales whose (applicable) items are all answered."""
    result = {}
    for subscale in instrument.subscales:
        items = [n for n in subscale.items if n not in excluded]
        if all(n in scores for n in items):
            result[subscale.code] = sum((scores[n] for n in items), Fraction(0))
    return result


def _rule_flags(
    instrument: Instrument, checked: CheckedAnswers, named_scores: dict[str, Fraction | None]
) -> set[str]:
    """Caseness and the instrument's own flags."""
    flags = set()
    total = named_scores["total"]
    if total is not None and instrument.caseness and instrument.caseness.applies(total):
        flags.add("caseness")
    for rule in instrument.flag_rules:
        if isinstance(rule, ItemCountFlag):
            met = _item_count_flag_met(instrument, rule, checked)
        else:
            value = named_scores.get(rule.score)
            met = value is not None and rule.applies(value)
            low = rule.any_item_at_or_below
            if low is not None and any(v <= low for v in checked.values.values()):
                met = True
        if met:
            flags.add(rule.code)
    return flags


def score(instrument: str | Instrument, answers: Mapping[int, object]) -> ScoreResult:
    """Score `answers` (item number -> value; missing items absent or None).

    Raises InvalidAnswers listing every unknown item, non-number and out-of-range value.
    """
    if isinstance(instrument, str):
        instrument = get_instrument(instrument)
    checked = check_answers(instrument, answers)
    scores = {n: _scored(instrument, n, value) for n, value in checked.values.items()}
    excluded = (
        checked.not_applicable if instrument.not_applicable_policy == "exclude" else frozenset()
    )
    counted = [item.number for item in instrument.items if item.number not in excluded]
    flags: set[str] = set()

    total: Fraction | None = None
    if instrument.has_total:
        total, prorated = _total(instrument, scores, counted)
        if total is None:
            flags.add("incomplete")
        if prorated:
            flags.add("prorated")
    subscales = _subscale_scores(instrument, scores, excluded)
    if len(subscales) < len(instrument.subscales):
        flags.add("incomplete")
    percentage = None
    if total is not None and instrument.percentage_multiplier is not None:
        percentage = total * instrument.percentage_multiplier
    flags |= _rule_flags(
        instrument, checked, {"total": total, "percentage": percentage, **subscales}
    )
    endorsed = tuple(n for n in instrument.risk_items if checked.values.get(n, 0) > 0)
    unanswered = tuple(n for n in instrument.risk_items if n not in checked.values)
    if endorsed:
        flags.add("risk")
    if unanswered:
        flags.add("risk_unanswered")

    band = band_for(instrument.bands, total) if total is not None else None
    subscale_bands = {}
    for subscale in instrument.subscales:
        value = subscales.get(subscale.code)
        if value is not None and (found := band_for(subscale.bands, value)):
            subscale_bands[subscale.code] = found.code
    return ScoreResult(
        instrument=instrument.code,
        total=None if total is None else as_number(total),
        band=band.code if band else None,
        subscales={code: as_number(value) for code, value in subscales.items()},
        subscale_bands=subscale_bands,
        percentage=None if percentage is None else float(percentage),
        flags=frozenset(flags),
        item_scores={n: as_number(scores[n]) for n in sorted(scores)},
        answered=tuple(sorted(checked.values)),
        missing=tuple(n for n in counted if n not in scores),
        not_applicable=tuple(sorted(checked.not_applicable)),
        risk_items_endorsed=endorsed,
        risk_items_unanswered=unanswered,
    )
