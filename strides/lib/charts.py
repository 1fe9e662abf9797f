"""Chart geometry: scores, bands and ticks mapped to pixel coordinates.

Plain values in, plain values out. `strides.lib.svg` turns a geometry into markup, so the
same chart appears in the page, the PDF and with JavaScript off.

Higher scores are always drawn higher, whichever direction is better: flipping the axis
for higher-is-better measures would make two charts side by side read in opposite ways.
`lower_is_better` changes the words (the direction note and the summary), never the axis.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from strides.lib.severity import severity_level

XMode = Literal["date", "session"]
MarkerKind = Literal["risk", "milestone", "alert", "prorated"]
XValue = date | int
Vertex = tuple[float, float]
LegendFlow = tuple[str, str, float, int]  # kind, label, x, row

MARKER_WORDS: dict[MarkerKind, str] = {
    "risk": "Risk flagged",
    "milestone": "Milestone",
    "alert": "Alert",
    "prorated": "Prorated (some answers missing)",
}
_MARKER_COUNT_NOUNS: dict[MarkerKind, tuple[str, str]] = {
    "risk": ("risk flag", "risk flags"),
    "milestone": ("milestone", "milestones"),
    "alert": ("alert", "alerts"),
    "prorated": ("prorated score", "prorated scores"),
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EMPTY_MESSAGE = "No scores yet. Give or send a questionnaire to start this chart."
GOAL_EMPTY_MESSAGE = "No goal ratings yet. Rate a goal in session to start this chart."
GOAL_MIN, GOAL_MAX, GOALS_PER_CHART = 0, 10, 3
TEXT_ONLY_LEGEND = frozenset({"direction", "note"})

MIN_WIDTH, MIN_HEIGHT = 160, 100
X_INSET = 12.0  # keeps the first and last points off the axis lines
DODGE = 5.0  # pixels between points that share an x value, so each stays hoverable
MARKER_STEP = 12.0  # markers stack above their point, this far apart
FONT_SIZE = 11.0
LEGEND_ROW = 16.0
X_LABEL_SPACE = 24.0
Y_TICK_SPACING = 30.0  # pixels per y tick, at most
X_TICK_SPACING = 64.0


@dataclass(frozen=True, kw_only=True)
class ChartPoint:
    """One score. `label` adds to the hover text, which always starts with score and time."""

    x: XValue
    score: float
    label: str = ""
    markers: tuple[MarkerKind, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ExpectedPoint:
    """The expected score at `x` and the band around it (CLINICAL.md section 7)."""

    x: XValue
    expected: float
    low: float
    high: float


@dataclass(frozen=True, kw_only=True)
class SeverityBand:
    """A closed range of scores [min, max], shaded lightly and named in words."""

    min: float
    max: float
    code: str
    label: str


@dataclass(frozen=True, kw_only=True)
class ScoreChart:
    """One instrument's scores over time, with the lines and bands that give them meaning.

    `reliable_change` is the reliable-change value in points: the chart shades intake ±
    that value, where a score has not (yet) changed reliably. Sequences are stored as
    tuples, so a chart is immutable.
    """

    title: str
    y_min: float
    y_max: float
    lower_is_better: bool
    points: Sequence[ChartPoint] = ()
    x_mode: XMode = "date"
    cutoff: float | None = None
    cutoff_label: str = "Cut-off"
    reliable_change: float | None = None
    expected: Sequence[ExpectedPoint] = ()
    severity: Sequence[SeverityBand] = ()
    # Said in the legend and the summary when there is no expected band, so a missing
    # band is explained rather than silently absent ("No expected curve for this measure").
    expected_note: str = ""
    # The page's date format ("d/m/Y", "Y-m-d"; see `format_day`), so the chart says
    # dates as the page around it does; "" for words ("3 Oct 2026").
    date_pattern: str = ""

    def __post_init__(self) -> None:
        for name in ("points", "expected", "severity"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        _require_range(self.y_min, self.y_max)
        if self.x_mode not in ("date", "session"):
            raise ValueError(f"x_mode must be 'date' or 'session', got {self.x_mode!r}")
        for point in self.points:
            _require_x(point.x, self.x_mode)
            _require_finite(point.score, "score")
        for step in self.expected:
            _require_x(step.x, self.x_mode)
            if not step.low <= step.expected <= step.high:
                raise ValueError(f"expected band needs low <= expected <= high, got {step}")
        if self.cutoff is not None and not self.y_min <= self.cutoff <= self.y_max:
            raise ValueError(f"cut-off {self.cutoff} is outside {self.y_min}-{self.y_max}")
        if self.reliable_change is not None and not self.reliable_change > 0:
            raise ValueError(f"reliable change must be positive, got {self.reliable_change}")
        for band in self.severity:
            if not band.min < band.max:
                raise ValueError(f"severity band needs min < max, got {band}")


@dataclass(frozen=True, kw_only=True)
class GoalSeries:
    """One goal's ratings (0-10) as (x, rating) pairs."""

    name: str
    ratings: Sequence[tuple[XValue, float]]


@dataclass(frozen=True)
class Padding:
    top: float
    right: float
    bottom: float
    left: float


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Tick:
    at: float  # pixel position along its axis
    label: str


@dataclass(frozen=True)
class PlottedPoint:
    x: float
    y: float
    score: float
    hover: str
    markers: tuple[MarkerKind, ...]
    clamped: bool  # the score was outside the y range and is drawn at the edge

    @property
    def hollow(self) -> bool:
        """A prorated score is drawn as an open circle."""
        return "prorated" in self.markers


@dataclass(frozen=True)
class Marker:
    kind: MarkerKind
    x: float
    y: float
    hover: str


@dataclass(frozen=True)
class CutOffLine:
    y: float
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class RangeRect:
    """Intake ± the reliable-change value, across the whole plot."""

    top: float
    bottom: float
    label: str


@dataclass(frozen=True)
class BandRect:
    """A severity band across the plot; `label_y` is None when it is too thin to name."""

    top: float
    bottom: float
    code: str
    label: str
    rank: int  # 0 = least severe
    label_y: float | None
    level: int = 0  # its colour in strides.lib.severity's sequence


@dataclass(frozen=True)
class ExpectedBandGeometry:
    outline: tuple[Vertex, ...]  # upper edge left to right, then lower edge right to left
    centre: tuple[Vertex, ...]  # the expected scores


@dataclass(frozen=True)
class LegendItem:
    kind: str  # "direction", "note", "expected", "reliable_change", a marker kind, "goal-<n>"
    label: str
    x: float
    y: float  # text baseline


@dataclass(frozen=True, kw_only=True)
class ChartGeometry:
    width: float
    height: float
    plot: Box
    title: str
    summary: str  # one plain-language sentence
    notes: tuple[str, ...]  # what the reader must know about how it is drawn (clamping)
    points: tuple[PlottedPoint, ...]
    markers: tuple[Marker, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    cutoff: CutOffLine | None
    reliable_change: RangeRect | None
    expected: ExpectedBandGeometry | None
    severity: tuple[BandRect, ...]
    severity_label_x: float
    legend: tuple[LegendItem, ...]
    empty_message: str | None

    @property
    def line(self) -> tuple[Vertex, ...]:
        return tuple((point.x, point.y) for point in self.points)


@dataclass(frozen=True, kw_only=True)
class GoalLine:
    name: str
    points: tuple[PlottedPoint, ...]


@dataclass(frozen=True, kw_only=True)
class GoalChartGeometry:
    width: float
    height: float
    plot: Box
    title: str
    summary: str
    lines: tuple[GoalLine, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    legend: tuple[LegendItem, ...]
    empty_message: str | None


@dataclass(frozen=True)
class _Scale:
    """Linear map from the domain [lo, hi] to pixels [start, end] (end < start inverts)."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def format_number(value: float) -> str:
    """At most one decimal, no trailing zero: 14.0 -> "14", 12.14 -> "12.1", -0.0 -> "0"."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _text_width(text: str) -> float:
    """A generous estimate of rendered width in system fonts (no font metrics on a server)."""
    return len(text) * FONT_SIZE * 0.6


def layout(
    chart: ScoreChart,
    *,
    width: float = 640,
    height: float = 260,
    padding: Padding | None = None,
) -> ChartGeometry:
    """Map a score chart to pixels.

    Without `padding`, margins fit the tick and band labels; legend rows are always added
    below the bottom margin, so a narrow chart gives its plot up to a taller legend.
    """
    _require_size(width, height)
    ordered = sorted(chart.points, key=lambda point: _x_number(point.x))
    notes = _clamp_notes(chart, ordered)
    legend_entries = _score_legend_entries(chart, ordered) + [("note", note) for note in notes]
    pad = padding or _auto_padding(
        y_labels=[tick[1] for tick in _y_tick_values(chart.y_min, chart.y_max, 6)],
        right_labels=[band.label for band in chart.severity],
    )
    flow = _flow_legend(legend_entries, left=pad.left, width=width)
    plot = _plot_box(pad, width, height, flow)
    y_scale = _Scale(chart.y_min, chart.y_max, plot.bottom, plot.top)
    x_values = [_x_number(p.x) for p in ordered] + [_x_number(e.x) for e in chart.expected]
    x_scale = _x_scale(x_values, plot)
    points = _plot_points(ordered, chart, x_scale, y_scale)
    return ChartGeometry(
        width=width,
        height=height,
        plot=plot,
        title=chart.title,
        summary=_summary(chart, ordered),
        notes=notes,
        points=points,
        markers=_markers(points),
        y_ticks=_y_ticks(chart.y_min, chart.y_max, y_scale, plot),
        x_ticks=_x_ticks(x_values, chart.x_mode, x_scale, plot, chart.date_pattern),
        cutoff=_cutoff_line(chart, y_scale, plot),
        reliable_change=_reliable_change_rect(chart, ordered, y_scale),
        expected=_expected_band(chart, x_scale, y_scale),
        severity=_severity_rects(chart, y_scale),
        severity_label_x=plot.right + 6,
        legend=_place_legend(flow, plot.bottom),
        empty_message=None if ordered else EMPTY_MESSAGE,
    )


def goal_layout(
    goals: Sequence[GoalSeries],
    *,
    x_mode: XMode = "date",
    width: float = 640,
    height: float = 220,
    title: str = "Goal ratings",
    date_pattern: str = "",
) -> GoalChartGeometry:
    """Up to three goals rated 0-10 over time, each its own line."""
    _require_size(width, height)
    if len(goals) > GOALS_PER_CHART:
        raise ValueError(f"a goal chart shows at most {GOALS_PER_CHART} goals, got {len(goals)}")
    ordered = [sorted(goal.ratings, key=lambda rating: _x_number(rating[0])) for goal in goals]
    for ratings in ordered:
        for x, rating in ratings:
            _require_x(x, x_mode)
            if not GOAL_MIN <= rating <= GOAL_MAX:
                raise ValueError(f"a goal rating runs from {GOAL_MIN} to {GOAL_MAX}, got {rating}")
    pad = _auto_padding(y_labels=[str(GOAL_MAX)], right_labels=[])
    entries = [(f"goal-{index}", _shorten(goal.name, 40)) for index, goal in enumerate(goals)]
    flow = _flow_legend(entries, left=pad.left, width=width)
    plot = _plot_box(pad, width, height, flow)
    y_scale = _Scale(GOAL_MIN, GOAL_MAX, plot.bottom, plot.top)
    x_values = [_x_number(x) for ratings in ordered for x, _ in ratings]
    x_scale = _x_scale(x_values, plot)
    lines = tuple(
        GoalLine(
            name=goal.name, points=_plot_goal(goal.name, ratings, x_scale, y_scale, date_pattern)
        )
        for goal, ratings in zip(goals, ordered, strict=True)
    )
    return GoalChartGeometry(
        width=width,
        height=height,
        plot=plot,
        title=title,
        summary=_goal_summary(title, goals, ordered, date_pattern),
        lines=lines,
        y_ticks=_y_ticks(GOAL_MIN, GOAL_MAX, y_scale, plot),
        x_ticks=_x_ticks(x_values, x_mode, x_scale, plot, date_pattern),
        legend=_place_legend(flow, plot.bottom),
        empty_message=None if x_values else GOAL_EMPTY_MESSAGE,
    )


def sparkline_points(values: Sequence[float], *, width: float, height: float) -> tuple[Vertex, ...]:
    """Scores spread evenly across the width, scaled to their own range (flat in the middle)."""
    for value in values:
        _require_finite(value, "value")
    inset = 2.0  # room for the stroke and the end dot
    lo, hi = (min(values), max(values)) if values else (0.0, 0.0)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    y_scale = _Scale(lo, hi, height - inset, inset)
    x_scale = _Scale(0, max(len(values) - 1, 1), inset, width - inset)
    if len(values) == 1:
        return ((width / 2, y_scale(values[0])),)
    return tuple((x_scale(index), y_scale(value)) for index, value in enumerate(values))


def _require_finite(value: float, name: str) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")


def _require_range(y_min: float, y_max: float) -> None:
    _require_finite(y_min, "y_min")
    _require_finite(y_max, "y_max")
    if not y_min < y_max:
        raise ValueError(f"y_min must be below y_max, got {y_min} and {y_max}")


def _require_x(x: object, x_mode: XMode) -> None:
    if x_mode == "date" and not isinstance(x, date):
        raise ValueError(f"x must be a date when x_mode is 'date', got {x!r}")
    if x_mode == "session" and (not isinstance(x, int) or isinstance(x, bool)):
        raise ValueError(f"x must be a session number when x_mode is 'session', got {x!r}")


def _require_size(width: float, height: float) -> None:
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ValueError(f"a chart needs at least {MIN_WIDTH}x{MIN_HEIGHT}, got {width}x{height}")


def _plot_box(pad: Padding, width: float, height: float, flow: Sequence[LegendFlow]) -> Box:
    bottom = height - pad.bottom - _rows(flow) * LEGEND_ROW
    plot = Box(pad.left, pad.top, width - pad.right, bottom)
    if plot.width < 2 * X_INSET or plot.height < 2 * FONT_SIZE:
        raise ValueError("the padding and legend leave no room for the plot")
    return plot


def _x_number(x: XValue) -> float:
    return float(x.toordinal()) if isinstance(x, date) else float(x)


def _auto_padding(*, y_labels: Sequence[str], right_labels: Sequence[str]) -> Padding:
    widest_y = max((_text_width(label) for label in y_labels), default=0.0)
    widest_right = max((_text_width(label) for label in right_labels), default=0.0)
    return Padding(
        top=14,
        right=max(16, widest_right + 12),
        bottom=X_LABEL_SPACE,
        left=max(28, widest_y + 12),
    )


def _x_scale(x_values: Sequence[float], plot: Box) -> _Scale:
    """One x value (one score, or several on the same day) is centred in the plot."""
    lo, hi = (min(x_values), max(x_values)) if x_values else (0.0, 1.0)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return _Scale(lo, hi, plot.left + X_INSET, plot.right - X_INSET)


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


def _plot_points(
    ordered: Sequence[ChartPoint], chart: ScoreChart, x_scale: _Scale, y_scale: _Scale
) -> tuple[PlottedPoint, ...]:
    xs = _dodged([x_scale(_x_number(point.x)) for point in ordered])
    plotted = []
    for x, point in zip(xs, ordered, strict=True):
        clamped = not chart.y_min <= point.score <= chart.y_max
        y = y_scale(_clamp(point.score, chart.y_min, chart.y_max))
        hover = _hover(point, clamped, chart)
        plotted.append(PlottedPoint(x, y, point.score, hover, point.markers, clamped))
    return tuple(plotted)


def _dodged(xs: Sequence[float]) -> list[float]:
    """Points sharing an x value (same day or session) are spread a few pixels apart."""
    groups: dict[float, int] = {}
    for x in xs:
        groups[x] = groups.get(x, 0) + 1
    seen: dict[float, int] = {}
    result = []
    for x in xs:
        index = seen.get(x, 0)
        seen[x] = index + 1
        result.append(x + (index - (groups[x] - 1) / 2) * DODGE)
    return result


def _hover(point: ChartPoint, clamped: bool, chart: ScoreChart) -> str:
    parts = [
        f"{format_number(point.score)} {_when(point.x, with_year=True, pattern=chart.date_pattern)}"
    ]
    if point.label:
        parts.append(point.label)
    parts.extend(MARKER_WORDS[kind] for kind in point.markers)
    if clamped:
        parts.append(f"outside {_range_words(chart)}, drawn at the edge")
    return "; ".join(parts)


def _markers(points: Sequence[PlottedPoint]) -> tuple[Marker, ...]:
    """Markers stack above their point, or below it when the point is near the top."""
    markers = []
    for point in points:
        shown = [kind for kind in point.markers if kind != "prorated"]
        direction = -1 if point.y - MARKER_STEP * len(shown) >= MARKER_STEP / 2 else 1
        for index, kind in enumerate(shown, start=1):
            y = point.y + direction * MARKER_STEP * index
            markers.append(Marker(kind, point.x, y, f"{MARKER_WORDS[kind]}: {point.hover}"))
    return tuple(markers)


def _nice_step(span: float, max_ticks: int) -> float:
    raw = span / max(max_ticks, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))


def _multiples(lo: float, hi: float, step: float) -> list[float]:
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(k * step, 9) for k in range(first, last + 1)]


def _y_tick_values(y_min: float, y_max: float, max_ticks: int) -> list[tuple[float, str]]:
    step = _nice_step(y_max - y_min, max_ticks)
    decimals = max(0, -math.floor(math.log10(step)))
    return [(value, f"{value:.{decimals}f}") for value in _multiples(y_min, y_max, step)]


def _y_ticks(y_min: float, y_max: float, y_scale: _Scale, plot: Box) -> tuple[Tick, ...]:
    max_ticks = max(2, int(plot.height // Y_TICK_SPACING))
    return tuple(
        Tick(y_scale(value), label) for value, label in _y_tick_values(y_min, y_max, max_ticks)
    )


def _x_ticks(
    x_values: Sequence[float], x_mode: XMode, x_scale: _Scale, plot: Box, pattern: str = ""
) -> tuple[Tick, ...]:
    if not x_values:
        return ()
    max_ticks = max(2, int(plot.width // X_TICK_SPACING))
    if x_mode == "session":
        step = max(1, round(_nice_step(x_scale.hi - x_scale.lo, max_ticks)))
        sessions = _multiples(x_scale.lo, x_scale.hi, step)
        return tuple(Tick(x_scale(s), str(int(s))) for s in sessions)
    first, last = math.ceil(x_scale.lo), math.floor(x_scale.hi)
    ticks = _date_ticks(first, last, max_ticks, pattern)
    return tuple(Tick(x_scale(o), label) for o, label in ticks)


def _date_ticks(first: int, last: int, max_ticks: int, pattern: str = "") -> list[tuple[int, str]]:
    """Days, then Mondays, then every other Monday, then month starts, then years."""
    for days in (1, 7, 14):
        start = first + (1 - first) % days  # ordinal 1 (1 Jan 0001) was a Monday
        if (last - start) // days + 1 <= max_ticks:
            return [
                (o, _day_label(date.fromordinal(o), pattern)) for o in range(start, last + 1, days)
            ]
    for months in (1, 2, 3, 6):
        starts = _month_starts(first, last, months)
        if len(starts) <= max_ticks:
            return [
                (day.toordinal(), _month_label(day, first=index == 0))
                for index, day in enumerate(starts)
            ]
    first_year, last_year = date.fromordinal(first).year, date.fromordinal(last).year
    step = max(1, round(_nice_step(max(last_year - first_year, 1), max_ticks)))
    years = [int(y) for y in _multiples(first_year, last_year, step)]
    return [
        (date(year, 1, 1).toordinal(), str(year))
        for year in years
        if date(year, 1, 1).toordinal() >= first
    ]


def _month_starts(first: int, last: int, step: int) -> list[date]:
    start = date.fromordinal(first)
    index = start.year * 12 + start.month - 1 + (start.day != 1)
    index += -index % step
    starts = []
    while (day := date(index // 12, index % 12 + 1, 1)).toordinal() <= last:
        starts.append(day)
        index += step
    return starts


def format_day(day: date, pattern: str, *, with_year: bool = True) -> str:
    """A date in a Django-style pattern of d, m and Y ("d/m/Y" -> "03/10/2026"); without
    the year, the day and month in the same order ("03/10")."""
    parts = {"d": f"{day.day:02d}", "m": f"{day.month:02d}", "Y": f"{day.year:04d}"}
    text = pattern if with_year else pattern.replace("Y", "").strip("/-. ")
    text = text.replace("--", "-").replace("//", "/").replace("..", ".")
    return "".join(parts.get(char, char) for char in text)


def _day_label(day: date, pattern: str = "") -> str:
    if pattern:
        return format_day(day, pattern, with_year=False)
    return f"{day.day} {MONTHS[day.month - 1]}"


def _month_label(day: date, *, first: bool) -> str:
    month = MONTHS[day.month - 1]
    return f"{month} {day.year}" if first or day.month == 1 else month


def _when(x: XValue, *, with_year: bool, pattern: str = "") -> str:
    if isinstance(x, date) and pattern:
        return f"on {format_day(x, pattern)}"
    if isinstance(x, date):
        year = f" {x.year}" if with_year else ""
        return f"on {_day_label(x)}{year}"
    return f"at session {x}"


def _cutoff_line(chart: ScoreChart, y_scale: _Scale, plot: Box) -> CutOffLine | None:
    if chart.cutoff is None:
        return None
    y = y_scale(chart.cutoff)
    label_y = y - 4 if y - 4 - FONT_SIZE >= plot.top else y + FONT_SIZE + 2
    label = f"{chart.cutoff_label} {format_number(chart.cutoff)}"
    return CutOffLine(y=y, label=label, label_x=plot.left + 4, label_y=label_y)


def _reliable_change_rect(
    chart: ScoreChart, ordered: Sequence[ChartPoint], y_scale: _Scale
) -> RangeRect | None:
    if chart.reliable_change is None or not ordered:
        return None
    intake = ordered[0].score
    low = _clamp(intake - chart.reliable_change, chart.y_min, chart.y_max)
    high = _clamp(intake + chart.reliable_change, chart.y_min, chart.y_max)
    return RangeRect(
        top=y_scale(high),
        bottom=y_scale(low),
        label=_reliable_change_words(chart.reliable_change),
    )


def _reliable_change_words(threshold: float) -> str:
    return f"Intake ± {format_number(threshold)} (no reliable change)"


def _expected_band(
    chart: ScoreChart, x_scale: _Scale, y_scale: _Scale
) -> ExpectedBandGeometry | None:
    if not chart.expected:
        return None
    steps = sorted(chart.expected, key=lambda step: _x_number(step.x))

    def vertex(step: ExpectedPoint, value: float) -> Vertex:
        return (x_scale(_x_number(step.x)), y_scale(_clamp(value, chart.y_min, chart.y_max)))

    upper = [vertex(step, step.high) for step in steps]
    lower = [vertex(step, step.low) for step in reversed(steps)]
    centre = tuple(vertex(step, step.expected) for step in steps)
    return ExpectedBandGeometry(outline=(*upper, *lower), centre=centre)


def _severity_rects(chart: ScoreChart, y_scale: _Scale) -> tuple[BandRect, ...]:
    """Bands clipped to the y range, least severe first.

    Instrument bands are whole-number ranges (0-4, 5-9), so a band runs up to the next
    band's minimum when the gap between them is at most one point; this matches placing
    a prorated 4.5 in the 0-4 band by its whole part.
    """
    ordered = sorted(chart.severity, key=lambda band: band.min)
    rects = []
    for index, band in enumerate(ordered):
        upper = band.max
        if index + 1 < len(ordered) and 0 < ordered[index + 1].min - band.max <= 1:
            upper = ordered[index + 1].min
        low = _clamp(band.min, chart.y_min, chart.y_max)
        high = _clamp(upper, chart.y_min, chart.y_max)
        if high <= low:
            continue
        top, bottom = y_scale(high), y_scale(low)
        rank = index if chart.lower_is_better else len(ordered) - 1 - index
        label_y = (top + bottom) / 2 + FONT_SIZE / 3 if bottom - top >= FONT_SIZE - 2 else None
        level = severity_level(rank, len(ordered))
        rects.append(BandRect(top, bottom, band.code, band.label, rank, label_y, level))
    return tuple(rects)


def _direction_words(lower_is_better: bool) -> str:
    return "Lower scores are better" if lower_is_better else "Higher scores are better"


def _score_legend_entries(
    chart: ScoreChart, ordered: Sequence[ChartPoint]
) -> list[tuple[str, str]]:
    entries = [("direction", _direction_words(chart.lower_is_better))]
    if chart.expected:
        entries.append(("expected", "Expected range"))
    elif chart.expected_note:
        entries.append(("note", chart.expected_note))
    if chart.reliable_change is not None and ordered:
        entries.append(("reliable_change", _reliable_change_words(chart.reliable_change)))
    present = {kind for point in ordered for kind in point.markers}
    entries.extend((kind, MARKER_WORDS[kind]) for kind in MARKER_WORDS if kind in present)
    return entries


def _flow_legend(
    entries: Sequence[tuple[str, str]], *, left: float, width: float
) -> list[LegendFlow]:
    """(kind, label, x, row): items flow left to right and wrap onto new rows."""
    flow = []
    x, row = left, 0
    for kind, label in entries:
        item_width = (0 if kind in TEXT_ONLY_LEGEND else 18) + _text_width(label) + 14
        if x > left and x + item_width > width:
            x, row = left, row + 1
        flow.append((kind, label, x, row))
        x += item_width
    return flow


def _rows(flow: Sequence[LegendFlow]) -> int:
    return max((row for *_, row in flow), default=-1) + 1


def _place_legend(flow: Sequence[LegendFlow], plot_bottom: float) -> tuple[LegendItem, ...]:
    first_row = plot_bottom + X_LABEL_SPACE + LEGEND_ROW - 4
    return tuple(
        LegendItem(kind, label, x, first_row + row * LEGEND_ROW) for kind, label, x, row in flow
    )


def _range_words(chart: ScoreChart) -> str:
    return f"the chart's range ({format_number(chart.y_min)} to {format_number(chart.y_max)})"


def _clamp_notes(chart: ScoreChart, ordered: Sequence[ChartPoint]) -> tuple[str, ...]:
    count = sum(not chart.y_min <= point.score <= chart.y_max for point in ordered)
    if not count:
        return ()
    if count == 1:
        return (f"1 score outside {_range_words(chart)} is drawn at the edge.",)
    return (f"{count} scores outside {_range_words(chart)} are drawn at the edge.",)


def _summary(chart: ScoreChart, ordered: Sequence[ChartPoint]) -> str:
    direction = "lower" if chart.lower_is_better else "higher"
    subject = f"{chart.title} ({direction} is better)"
    if not ordered:
        return f"{subject}: no scores yet."
    first, last = ordered[0], ordered[-1]
    with_year = _year(first.x) != _year(last.x)
    pattern = chart.date_pattern
    if len(ordered) == 1:
        score, when = format_number(first.score), _when(first.x, with_year=False, pattern=pattern)
        clauses = [f"{subject}: one score, {score} {when}"]
    else:
        start = _when(first.x, with_year=with_year, pattern=pattern)
        end = _when(last.x, with_year=with_year, pattern=pattern)
        clauses = [
            f"{subject} from {format_number(first.score)} {start} "
            f"to {format_number(last.score)} {end}"
        ]
    if chart.cutoff is not None:
        side = "below" if last.score < chart.cutoff else "at or above"
        clauses.append(f"{side} the cut-off of {format_number(chart.cutoff)}")
    if not chart.expected and chart.expected_note:
        clauses.append(chart.expected_note[:1].lower() + chart.expected_note[1:])
    counts = _marker_counts(ordered)
    if counts:
        clauses.append(f"marked: {', '.join(counts)}")
    return "; ".join(clauses) + "."


def _year(x: XValue) -> int | None:
    return x.year if isinstance(x, date) else None


def _marker_counts(ordered: Sequence[ChartPoint]) -> list[str]:
    counts = []
    for kind, (singular, plural) in _MARKER_COUNT_NOUNS.items():
        count = sum(kind in point.markers for point in ordered)
        if count:
            counts.append(f"{count} {singular if count == 1 else plural}")
    return counts


def _plot_goal(
    name: str,
    ratings: Sequence[tuple[XValue, float]],
    x_scale: _Scale,
    y_scale: _Scale,
    pattern: str = "",
) -> tuple[PlottedPoint, ...]:
    xs = _dodged([x_scale(_x_number(x)) for x, _ in ratings])
    return tuple(
        PlottedPoint(
            x=px,
            y=y_scale(rating),
            score=rating,
            hover=f"{name}: {format_number(rating)}/10 {_when(x, with_year=True, pattern=pattern)}",
            markers=(),
            clamped=False,
        )
        for px, (x, rating) in zip(xs, ratings, strict=True)
    )


def _goal_summary(
    title: str,
    goals: Sequence[GoalSeries],
    ordered: Sequence[Sequence[tuple[XValue, float]]],
    pattern: str = "",
) -> str:
    clauses = []
    for goal, ratings in zip(goals, ordered, strict=True):
        if not ratings:
            clauses.append(f"{goal.name}: not rated yet")
            continue
        (first_x, first), (last_x, last) = ratings[0], ratings[-1]
        with_year = _year(first_x) != _year(last_x)
        if len(ratings) == 1:
            when = _when(first_x, with_year=False, pattern=pattern)
            clauses.append(f"{goal.name}: {format_number(first)} {when}")
        else:
            start = _when(first_x, with_year=with_year, pattern=pattern)
            end = _when(last_x, with_year=with_year, pattern=pattern)
            clauses.append(
                f"{goal.name} from {format_number(first)} {start} to {format_number(last)} {end}"
            )
    if not clauses:
        return f"{title} (out of 10): no goals yet."
    return f"{title} (out of 10): {'; '.join(clauses)}."


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
