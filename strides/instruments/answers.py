"""Check a set of answers against an instrument, reporting every problem at once."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from strides.instruments.definition import Instrument, Item, as_number

NOT_APPLICABLE = "not_applicable"
"""The answer recorded for an item's printed 'not applicable' choice (WSAS item 1)."""


class InvalidAnswers(ValueError):
    """Answers that cannot be scored; `problems` lists every one of them."""

    def __init__(self, code: str, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"invalid answers for {code}: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class CheckedAnswers:
    """Answered scored items (exact values), and items answered 'not applicable'."""

    values: dict[int, Fraction]
    not_applicable: frozenset[int]


def _as_fraction(value: object) -> Fraction | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float) and math.isfinite(value):
        # Through the decimal text, so 7.3 is exactly 73/10 rather than the nearest binary.
        return Fraction(Decimal(repr(value)))
    if isinstance(value, Decimal) and value.is_finite():
        return Fraction(value)
    return None


def _in_item_order(key: object) -> tuple[int, int, str]:
    if isinstance(key, int) and not isinstance(key, bool):
        return (0, key, "")
    return (1, 0, repr(key))


def _describe(item: Item) -> str:
    if item.scale is not None:
        scale = item.scale
        low, high, step = (as_number(v) for v in (scale.min, scale.max, scale.step))
        return f"a value from {low} to {high} in steps of {step}"
    return "one of " + ", ".join(str(option.value) for option in item.options)


def check_answers(instrument: Instrument, answers: Mapping[int, object]) -> CheckedAnswers:
    scored = {item.number: item for item in instrument.items}
    unscored = {item.number: item for item in instrument.supplementary_items}
    problems: list[str] = []
    values: dict[int, Fraction] = {}
    not_applicable: set[int] = set()
    for key in sorted(answers, key=_in_item_order):
        answer = answers[key]
        item = None
        if isinstance(key, int) and not isinstance(key, bool):
            item = scored.get(key) or unscored.get(key)
        if item is None:
            problems.append(f"unknown item {key!r}")
            continue
        if answer is None:
            continue
        if answer == NOT_APPLICABLE:
            if item.not_applicable_label is None:
                problems.append(f"item {item.number}: has no 'not applicable' answer")
            else:
                not_applicable.add(item.number)
            continue
        value = _as_fraction(answer)
        if value is None:
            problems.append(f"item {item.number}: {answer!r} is not a number")
        elif not item.accepts(value):
            problems.append(
                f"item {item.number}: {answer!r} is out of range; use {_describe(item)}"
            )
        elif item.number in scored:
            values[item.number] = value
    if problems:
        raise InvalidAnswers(instrument.code, problems)
    return CheckedAnswers(values=values, not_applicable=frozenset(not_applicable))
