"""Building each instrument's chart for an episode from the stored records.

The geometry and SVG come from the pure `strides.lib` chart code, so the same chart is
shown in the page, in PDF reports and with JavaScript off.
"""

from dataclasses import dataclass
from typing import Literal

from django.utils.formats import get_format

from strides.alerts.models import AlertKind
from strides.clients.models import Episode
from strides.instruments import list_instruments
from strides.lib.charts import ChartPoint, ExpectedPoint, MarkerKind, ScoreChart, SeverityBand
from strides.lib.svg import render_svg
from strides.outcomes.history import load_history
from strides.outcomes.rules import short_name, trajectory_params
from strides.progress import NO_EXPECTED_CURVE, band, expected_score

XMode = Literal["date", "session"]


def page_date_pattern() -> str:
    """The active locale's short date format (dd/mm/yyyy for en-GB, ISO otherwise), as
    the pattern the chart geometry takes; a format with other letters falls back to ISO."""
    pattern = str(get_format("SHORT_DATE_FORMAT"))
    return pattern if set(pattern) <= set("dmY/-. ") else "Y-m-d"


@dataclass(frozen=True)
class InstrumentChart:
    code: str
    name: str
    svg: str  # the wide drawing: pages on wide screens and PDF reports
    narrow_svg: str  # drawn for a phone's width, so its text stays at 11 px or more


# A phone's card is about 330 CSS px wide at 390 px: drawn at this width the chart is
# shown at (about) its own size, so its 11 px text stays 11 px.
NARROW_WIDTH, NARROW_HEIGHT = 320, 240


def episode_charts(
    *, episode: Episode, x_mode: XMode = "date", for_client: bool = False
) -> list[InstrumentChart]:
    """One chart per instrument with a total, for an episode the actor may see.
    `for_client` (the client's own story) leaves out the risk and alert markers."""
    loaded = load_history(episode)
    history = loaded.history
    lineage = {a.first_version_id or a.pk: a for a in loaded.assessments}
    milestone_sources = set(
        episode.milestones.exclude(source_id=None).values_list("source_id", flat=True)
    )
    alert_sources = set(
        episode.alerts.exclude(kind=AlertKind.RISK)
        .exclude(source_id=None)
        .values_list("source_id", flat=True)
    )
    params = trajectory_params()
    # A practice instrument whose file was skipped at start (definition_problems) has no
    # definition to draw with; its scores stay in the history table.
    definitions = {instrument.code: instrument for instrument in list_instruments()}
    charts = []
    for code in history.instruments():
        scored = history.scored(code)
        instrument = definitions.get(code)
        if not scored or instrument is None or not instrument.has_total:
            continue
        intake_session, intake = scored[0][0].session, scored[0][1]
        points, expected = [], []
        for observation, total in scored:
            x = observation.when if x_mode == "date" else observation.session
            assessment = lineage[observation.assessment_id]
            markers: list[MarkerKind] = []
            if "risk" in observation.flags and not for_client:
                markers.append("risk")
            if observation.assessment_id in milestone_sources:
                markers.append("milestone")
            if observation.assessment_id in alert_sources and not for_client:
                markers.append("alert")
            if "prorated" in observation.flags:
                markers.append("prorated")
            band_text = instrument.band_label(assessment.band) if assessment.band else ""
            points.append(ChartPoint(x=x, score=total, label=band_text, markers=tuple(markers)))
            if code in params:
                t = observation.session - intake_session + 1
                centre = expected_score(intake, t, params[code])
                half = band(t, params[code])
                expected.append(
                    ExpectedPoint(x=x, expected=centre, low=centre - half, high=centre + half)
                )
        chart = ScoreChart(
            title=short_name(instrument),
            y_min=float(instrument.min_total or 0),
            y_max=float(instrument.max_total or max(total for _o, total in scored)),
            lower_is_better=instrument.lower_is_better,
            points=points,
            x_mode=x_mode,
            cutoff=None if instrument.cutoff is None else float(instrument.cutoff),
            cutoff_label="Clinical cut-off",
            reliable_change=(
                float(instrument.reliable_change)
                if instrument.reliable_change is not None
                and instrument.reliable_change_method == "points"
                else None
            ),
            expected=expected,
            expected_note="" if code in params else NO_EXPECTED_CURVE,
            severity=[
                SeverityBand(min=b.min, max=b.max, code=b.code, label=b.label)
                for b in instrument.bands
            ],
            date_pattern=page_date_pattern(),
        )
        charts.append(
            InstrumentChart(
                code,
                short_name(instrument),
                render_svg(chart),
                render_svg(chart, width=NARROW_WIDTH, height=NARROW_HEIGHT),
            )
        )
    return charts
