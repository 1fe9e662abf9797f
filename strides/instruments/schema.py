"""The shape of an instrument definition file, as pydantic models.

These models mirror the TOML file one to one (docs/instruments.md describes every
field). They check types and required fields; `checks.py` checks how the fields fit
together, and `builder.py` turns a checked file into an `Instrument`.
"""

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Text = Annotated[str, Field(min_length=1)]
ItemNumber = Annotated[int, Field(ge=1)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OptionSpec(_Spec):
    value: int
    label: str | None = None


class ResponseSetSpec(_Spec):
    """Either a list of options, or a continuous scale (min, max, step)."""

    options: list[OptionSpec] | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    step: Decimal | None = None
    min_label: str | None = None
    max_label: str | None = None


class ItemSpec(_Spec):
    number: ItemNumber
    text: Text
    responses: str | None = None
    risk: bool = False
    not_applicable: Text | None = None


class SupplementaryItemSpec(_Spec):
    number: ItemNumber
    text: Text
    responses: str | None = None


class ReverseSpec(_Spec):
    items: list[ItemNumber]
    subtract_from: int


class MissingSpec(_Spec):
    prorate: bool = False
    max_missing: Annotated[int, Field(ge=0)] = 0


class ScoringSpec(_Spec):
    has_total: bool = True
    method: Literal["sum", "mean"] = "sum"
    multiplier: Annotated[Decimal, Field(gt=0)] = Decimal(1)
    decimals: Annotated[int, Field(ge=0, le=3)] = 0
    reverse: ReverseSpec | None = None
    missing: MissingSpec = MissingSpec()
    not_applicable: Literal["prorate", "exclude"] | None = None
    percentage_multiplier: Annotated[Decimal, Field(gt=0)] | None = None


class BandSpec(_Spec):
    code: Code
    label: Text
    min: int
    max: int


class CasenessSpec(_Spec):
    at_or_above: Decimal | None = None
    below: Decimal | None = None
    source: Text


class ReliableChangeSpec(_Spec):
    method: Literal["points", "rci"]
    points: Annotated[Decimal, Field(gt=0)] | None = None
    sd: Annotated[Decimal, Field(gt=0)] | None = None
    reliability: Annotated[Decimal, Field(gt=0, lt=1)] | None = None
    source: Text


class SubscaleSpec(_Spec):
    code: Code
    name: Text
    items: list[ItemNumber]
    direction: Literal["lower", "higher"] | None = None
    bands: list[BandSpec] = []


class ThresholdFlagSpec(_Spec):
    kind: Literal["threshold"]
    code: Code
    label: Text
    source: Text
    score: str = "total"
    at_or_above: Decimal | None = None
    above: Decimal | None = None
    at_or_below: Decimal | None = None
    below: Decimal | None = None
    or_any_item_at_or_below: int | None = None


class ItemCountFlagSpec(_Spec):
    kind: Literal["item_counts"]
    code: Code
    label: Text
    source: Text
    endorsed_at: int
    minimum_per_subscale: dict[str, Annotated[int, Field(ge=1)]]


FlagSpec = Annotated[ThresholdFlagSpec | ItemCountFlagSpec, Field(discriminator="kind")]


class CodesSpec(_Spec):
    loinc_panel: str | None = None
    loinc_total: str | None = None
    url: str | None = None


class UnverifiedSpec(_Spec):
    field: Text
    note: Text


class InstrumentSpec(_Spec):
    code: Code
    name: Text
    version: Text
    language: Text
    direction: Literal["lower", "higher"]
    instructions: Text | None = None
    stem: Text | None = None
    response_sets: dict[str, ResponseSetSpec]
    items: list[ItemSpec]
    supplementary_items: list[SupplementaryItemSpec] = []
    scoring: ScoringSpec = ScoringSpec()
    bands: list[BandSpec] = []
    caseness: CasenessSpec | None = None
    reliable_change: ReliableChangeSpec | None = None
    subscales: list[SubscaleSpec] = []
    flags: list[FlagSpec] = []
    codes: CodesSpec = CodesSpec()
    licence: Text
    source: Text
    unverified: list[UnverifiedSpec] = []
    # Whether the client portal's progress story leaves this measure out; unset: the
    # default for its kind (alliance measures are hidden, the rest shown).
    hidden_from_clients: bool | None = None
