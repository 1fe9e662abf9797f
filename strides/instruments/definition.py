"""Instrument definitions as the rest of Strides sees them: plain frozen objects.

Built from a checked definition file by `builder.py`. Numbers that can be fractional
(totals, thresholds, reliable change) are `int` when whole and `float` otherwise;
scoring itself works on exact fractions and only converts at the edge.
"""

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal, NamedTuple

Number = int | float
Comparison = Literal["at_or_above", "above", "at_or_below", "below"]

RESERVED_FLAGS = frozenset({"risk", "risk_unanswered", "caseness", "prorated", "incomplete"})


class Option(NamedTuple):
    """One printed response option: the value recorded and the label printed."""

    value: int
    label: str | None


@dataclass(frozen=True, slots=True)
class ContinuousScale:
    """A visual-analogue style answer: any value from min to max in steps of `step`."""

    min: Fraction
    max: Fraction
    step: Fraction
    min_label: str | None
    max_label: str | None

    def accepts(self, value: Fraction) -> bool:
        return self.min <= value <= self.max and ((value - self.min) / self.step).denominator == 1


@dataclass(frozen=True, slots=True)
class Item:
    number: int
    text: str
    options: tuple[Option, ...]
    scale: ContinuousScale | None
    risk: bool
    reverse_keyed: bool
    not_applicable_label: str | None

    @property
    def min_value(self) -> Fraction:
        if self.scale is not None:
            return self.scale.min
        return Fraction(min(option.value for option in self.options))

    @property
    def max_value(self) -> Fraction:
        if self.scale is not None:
            return self.scale.max
        return Fraction(max(option.value for option in self.options))

    def accepts(self, value: Fraction) -> bool:
        if self.scale is not None:
            return self.scale.accepts(value)
        return any(value == option.value for option in self.options)


@dataclass(frozen=True, slots=True)
class Band:
    """A closed range of totals [min, max] with a code and a label."""

    code: str
    label: str
    min: int
    max: int


def band_for(bands: tuple[Band, ...], value: Fraction) -> Band | None:
    """The band containing `value`; a fractional value is placed by its whole part.

    Using the whole part keeps bands consistent with `>=` cut-offs: a prorated CORE-10
    total of 10.9 is below the cut-off of 11 and also in the 6-10 band.
    """
    whole = math.floor(value)
    return next((band for band in bands if band.min <= whole <= band.max), None)


def label_of(bands: tuple[Band, ...], code: str) -> str:
    for band in bands:
        if band.code == code:
            return band.label
    known = ", ".join(band.code for band in bands) or "none"
    raise KeyError(f"unknown band {code!r}; known bands: {known}")


@dataclass(frozen=True, slots=True)
class Subscale:
    """A subscale's score is the sum of its items' scored values (after reverse keying)."""

    code: str
    name: str
    items: tuple[int, ...]
    lower_is_better: bool
    bands: tuple[Band, ...]
    min_total: Number
    max_total: Number

    def band_label(self, code: str) -> str:
        return label_of(self.bands, code)


@dataclass(frozen=True, slots=True)
class Caseness:
    """`at_or_above` for lower-is-better instruments; otherwise a total below it is a case."""

    threshold: Fraction
    at_or_above: bool
    source: str

    def applies(self, total: Fraction) -> bool:
        return total >= self.threshold if self.at_or_above else total < self.threshold


@dataclass(frozen=True, slots=True)
class ThresholdFlag:
    """Raised when the score meets the threshold, or, with `any_item_at_or_below`, when
    any answered item's response is at or below that value (WHO-5: any item 0 or 1)."""

    code: str
    label: str
    source: str
    score: str
    comparison: Comparison
    threshold: Fraction
    any_item_at_or_below: int | None = None

    def applies(self, value: Fraction) -> bool:
        match self.comparison:
            case "at_or_above":
                return value >= self.threshold
            case "above":
                return value > self.threshold
            case "at_or_below":
                return value <= self.threshold
            case "below":
                return value < self.threshold


@dataclass(frozen=True, slots=True)
class ItemCountFlag:
    """Raised when each named subscale has enough items answered at `endorsed_at` or more."""

    code: str
    label: str
    source: str
    endorsed_at: int
    minimum_per_subscale: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class LoincCodes:
    """A panel code identifies the questionnaire; Observations of totals use `total`."""

    panel: str | None
    total: str | None


@dataclass(frozen=True, slots=True)
class Unverified:
    field: str
    note: str


@dataclass(frozen=True, slots=True)
class Instrument:
    code: str
    name: str
    version: str
    language: str
    instructions: str | None
    stem: str | None
    items: tuple[Item, ...]
    supplementary_items: tuple[Item, ...]
    lower_is_better: bool
    has_total: bool
    method: Literal["sum", "mean"]
    multiplier: Fraction
    decimals: int
    reverse_subtract_from: int | None
    prorate: bool
    max_missing: int
    not_applicable_policy: Literal["prorate", "exclude"] | None
    percentage_multiplier: Fraction | None
    min_total: Number | None
    max_total: Number | None
    bands: tuple[Band, ...]
    caseness: Caseness | None
    reliable_change: Number | None
    reliable_change_method: Literal["points", "rci"] | None
    reliable_change_source: str | None
    sd: Number | None
    reliability: float | None
    subscales: tuple[Subscale, ...]
    flag_rules: tuple[ThresholdFlag | ItemCountFlag, ...]
    loinc: LoincCodes
    url: str | None
    licence: str
    source: str
    unverified: tuple[Unverified, ...]
    path: Path
    hidden_from_clients: bool | None = None  # None: the default for its kind

    @property
    def cutoff(self) -> Number | None:
        """The clinical cut-off (caseness threshold), or None when none is defined."""
        if self.caseness is None:
            return None
        return as_number(self.caseness.threshold)

    @property
    def risk_items(self) -> tuple[int, ...]:
        return tuple(item.number for item in self.items if item.risk)

    @property
    def reverse_items(self) -> tuple[int, ...]:
        return tuple(item.number for item in self.items if item.reverse_keyed)

    def item(self, number: int) -> Item:
        for item in (*self.items, *self.supplementary_items):
            if item.number == number:
                return item
        raise KeyError(f"{self.code} has no item {number}")

    def subscale(self, code: str) -> Subscale:
        for subscale in self.subscales:
            if subscale.code == code:
                return subscale
        known = ", ".join(s.code for s in self.subscales) or "none"
        raise KeyError(f"{self.code} has no subscale {code!r}; known subscales: {known}")

    def band_label(self, code: str) -> str:
        return label_of(self.bands, code)


def as_number(value: Fraction) -> Number:
    """An exact value as the int or float shown to the rest of the project."""
    return value.numerator if value.denominator == 1 else float(value)
