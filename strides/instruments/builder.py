"""Turn a checked definition file (`InstrumentSpec`) into an `Instrument`."""

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from strides.instruments.definition import (
    Band,
    Caseness,
    Comparison,
    ContinuousScale,
    Instrument,
    Item,
    ItemCountFlag,
    LoincCodes,
    Number,
    Option,
    Subscale,
    ThresholdFlag,
    Unverified,
    as_number,
)
from strides.instruments.schema import (
    BandSpec,
    InstrumentSpec,
    ItemSpec,
    ResponseSetSpec,
    SupplementaryItemSpec,
    ThresholdFlagSpec,
)

THRESHOLD_COMPARISONS: tuple[Comparison, ...] = ("at_or_above", "above", "at_or_below", "below")


def exact(value: Decimal) -> Fraction:
    return Fraction(value)


def response_set_for(
    spec: InstrumentSpec, item: ItemSpec | SupplementaryItemSpec
) -> ResponseSetSpec:
    """The item's response set; an item may leave it out when the file has only one."""
    if item.responses is None:
        return next(iter(spec.response_sets.values()))
    return spec.response_sets[item.responses]


def build_item(spec: InstrumentSpec, item: ItemSpec | SupplementaryItemSpec) -> Item:
    responses = response_set_for(spec, item)
    scale = None
    if responses.options is None:
        assert responses.min is not None and responses.max is not None
        assert responses.step is not None
        scale = ContinuousScale(
            min=exact(responses.min),
            max=exact(responses.max),
            step=exact(responses.step),
            min_label=responses.min_label,
            max_label=responses.max_label,
        )
    options = tuple(Option(o.value, o.label) for o in responses.options or ())
    if not isinstance(item, ItemSpec):  # a supplementary, unscored question
        return Item(item.number, item.text, options, scale, False, False, None)
    reverse = spec.scoring.reverse
    return Item(
        number=item.number,
        text=item.text,
        options=options,
        scale=scale,
        risk=item.risk,
        reverse_keyed=reverse is not None and item.number in reverse.items,
        not_applicable_label=item.not_applicable,
    )


def sum_range(items: Iterable[Item]) -> tuple[Fraction, Fraction]:
    """Lowest and highest possible sum of the items' scored values."""
    chosen = list(items)
    return sum((i.min_value for i in chosen), Fraction(0)), sum(
        (i.max_value for i in chosen), Fraction(0)
    )


def total_range(spec: InstrumentSpec, items: tuple[Item, ...]) -> tuple[Fraction, Fraction]:
    low, high = sum_range(items)
    multiplier = exact(spec.scoring.multiplier)
    if spec.scoring.method == "mean":
        low, high = low / len(items), high / len(items)
    return low * multiplier, high * multiplier


def build_bands(bands: list[BandSpec]) -> tuple[Band, ...]:
    return tuple(Band(b.code, b.label, b.min, b.max) for b in sorted(bands, key=lambda b: b.min))


def build_threshold_flag(flag: ThresholdFlagSpec) -> ThresholdFlag:
    comparison = next(c for c in THRESHOLD_COMPARISONS if getattr(flag, c) is not None)
    return ThresholdFlag(
        code=flag.code,
        label=flag.label,
        source=flag.source,
        score=flag.score,
        comparison=comparison,
        threshold=exact(getattr(flag, comparison)),
        any_item_at_or_below=flag.or_any_item_at_or_below,
    )


def optional_number(value: Decimal | None) -> Number | None:
    return None if value is None else as_number(exact(value))


def build_instrument(spec: InstrumentSpec, path: Path) -> Instrument:
    items = tuple(build_item(spec, item) for item in spec.items)
    by_number = {item.number: item for item in items}
    subscales = []
    for sub in spec.subscales:
        low, high = sum_range(by_number[n] for n in sub.items)
        direction = sub.direction or spec.direction
        subscales.append(
            Subscale(
                code=sub.code,
                name=sub.name,
                items=tuple(sub.items),
                lower_is_better=direction == "lower",
                bands=build_bands(sub.bands),
                min_total=as_number(low),
                max_total=as_number(high),
            )
        )
    flags: list[ThresholdFlag | ItemCountFlag] = []
    for flag in spec.flags:
        if isinstance(flag, ThresholdFlagSpec):
            flags.append(build_threshold_flag(flag))
        else:
            flags.append(
                ItemCountFlag(
                    code=flag.code,
                    label=flag.label,
                    source=flag.source,
                    endorsed_at=flag.endorsed_at,
                    minimum_per_subscale=tuple(flag.minimum_per_subscale.items()),
                )
            )
    scoring = spec.scoring
    min_total: Number | None = None
    max_total: Number | None = None
    if scoring.has_total:
        low, high = total_range(spec, items)
        min_total, max_total = as_number(low), as_number(high)
    caseness = None
    if spec.caseness is not None:
        at_or_above = spec.caseness.at_or_above is not None
        threshold = spec.caseness.at_or_above if at_or_above else spec.caseness.below
        assert threshold is not None
        caseness = Caseness(exact(threshold), at_or_above, spec.caseness.source)
    change = spec.reliable_change
    return Instrument(
        code=spec.code,
        name=spec.name,
        version=spec.version,
        language=spec.language,
        instructions=spec.instructions,
        stem=spec.stem,
        items=items,
        supplementary_items=tuple(build_item(spec, item) for item in spec.supplementary_items),
        lower_is_better=spec.direction == "lower",
        has_total=scoring.has_total,
        method=scoring.method,
        multiplier=exact(scoring.multiplier),
        decimals=scoring.decimals,
        reverse_subtract_from=scoring.reverse.subtract_from if scoring.reverse else None,
        prorate=scoring.missing.prorate,
        max_missing=scoring.missing.max_missing if scoring.missing.prorate else 0,
        not_applicable_policy=scoring.not_applicable,
        percentage_multiplier=(
            None if scoring.percentage_multiplier is None else exact(scoring.percentage_multiplier)
        ),
        min_total=min_total,
        max_total=max_total,
        bands=build_bands(spec.bands),
        caseness=caseness,
        reliable_change=optional_number(change.points) if change else None,
        reliable_change_method=change.method if change else None,
        reliable_change_source=change.source if change else None,
        sd=optional_number(change.sd) if change else None,
        reliability=float(change.reliability) if change and change.reliability else None,
        subscales=tuple(subscales),
        flag_rules=tuple(flags),
        loinc=LoincCodes(panel=spec.codes.loinc_panel, total=spec.codes.loinc_total),
        url=spec.codes.url,
        licence=spec.licence,
        source=spec.source,
        unverified=tuple(Unverified(u.field, u.note) for u in spec.unverified),
        path=path,
        hidden_from_clients=spec.hidden_from_clients,
    )
