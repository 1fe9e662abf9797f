"""Which measures an episode is meant to be given, and a band's words and colour level.

The plan is PHQ-9 and the episode's anxiety measure (the NHS Talking Therapies pair,
GAD-7 when the chosen disorder-specific measure is not installed), then every other
measure already given in the episode. The caseload shows each planned measure, the
record-assessment form offers them first.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.utils import timezone

from strides.clients.models import Episode
from strides.instruments import list_instruments
from strides.instruments.definition import band_for
from strides.lib.severity import severity_level
from strides.outcomes.rules import short_name
from strides.outcomes.services import FALLBACK_ANXIETY_MEASURE, MAIN_INSTRUMENT_ORDER

DEPRESSION_MEASURE = "phq9"


def planned_measures(*, anxiety_measure: str, measured: Iterable[str]) -> list[str]:
    installed = {instrument.code for instrument in list_instruments()}
    anxiety = anxiety_measure if anxiety_measure in installed else FALLBACK_ANXIETY_MEASURE
    given = list(measured)
    plan = [code for code in (DEPRESSION_MEASURE, anxiety) if code in installed]
    rest = [code for code in MAIN_INSTRUMENT_ORDER if code in given] + given
    return list(dict.fromkeys(plan + rest))


def measure_name(code: str) -> str:
    """The name a therapist says ("PHQ-9"), or the code of an instrument not installed."""
    instrument = next((i for i in list_instruments() if i.code == code), None)
    return short_name(instrument) if instrument else code


def lower_is_better(code: str) -> bool:
    """The instrument's direction (lower is better when it is not installed)."""
    instrument = next((i for i in list_instruments() if i.code == code), None)
    return instrument.lower_is_better if instrument else True


@dataclass(frozen=True)
class BandWords:
    label: str  # the band's printed name, e.g. "Moderately severe"
    level: int  # its colour in strides.lib.severity's sequence


def band_words(instrument_code: str, band_code: str) -> BandWords | None:
    """The band's name and colour level, or None for an unknown instrument or band."""
    instrument = next((i for i in list_instruments() if i.code == instrument_code), None)
    if instrument is None or not band_code:
        return None
    ordered = sorted(instrument.bands, key=lambda band: band.min)
    if not instrument.lower_is_better:
        ordered.reverse()
    codes = [band.code for band in ordered]
    if band_code not in codes:
        return None
    rank = codes.index(band_code)
    return BandWords(label=str(ordered[rank].label), level=severity_level(rank, len(codes)))


def band_of_score(instrument_code: str, score: float) -> BandWords | None:
    """The band a total falls in (a prorated 4.5 by its whole part, as the charts do)."""
    instrument = next((i for i in list_instruments() if i.code == instrument_code), None)
    if instrument is None:
        return None
    band = band_for(instrument.bands, Fraction(int(score)))
    return band_words(instrument_code, band.code) if band else None


@dataclass(frozen=True)
class MeasurePlan:
    planned: list[str]  # the episode's planned measures (strides.outcomes.plan), in order
    given_today: set[str]


def planned_for(*, episode: Episode) -> MeasurePlan:
    """The measures planned for an episode the actor may write to, and those given today:
    one query."""
    today = timezone.localdate()
    given: dict[str, bool] = {}
    for code, day in (
        episode.assessments.filter(is_current=True)
        .order_by("taken_on", "id")
        .values_list("instrument_code", "taken_on")
    ):
        given[code] = given.get(code, False) or day == today
    return MeasurePlan(
        planned=planned_measures(anxiety_measure=episode.anxiety_measure, measured=given),
        given_today={code for code, today_too in given.items() if today_too},
    )
