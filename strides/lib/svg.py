"""Accessible inline SVG from chart geometry, safe under a strict Content-Security-Policy.

Every chart is an `<svg role="img">` named by its `<title>` and described in one
plain-language sentence in its `<desc>`. Styling uses presentation attributes and
classes only (no `style=`, no scripts, no external references), so it renders the same in
the page, in a PDF and with JavaScript off. Every text value is XML-escaped, and the same
input always gives the same string.
"""

import hashlib
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from strides.lib.charts import (
    TEXT_ONLY_LEGEND,
    BandRect,
    ChartGeometry,
    CutOffLine,
    ExpectedBandGeometry,
    GoalChartGeometry,
    GoalSeries,
    LegendItem,
    Marker,
    Padding,
    PlottedPoint,
    RangeRect,
    ScoreChart,
    Vertex,
    XMode,
    format_number,
    goal_layout,
    layout,
    sparkline_points,
)
from strides.lib.severity import SEVERITY_SEQUENCE

ACCENT = "#2f6f6a"
INK = "#1f2a2e"
MUTED = "#5b6b70"
GRID = "#d9e1e3"
AXIS = "#b7c4c7"
DANGER = "#a3242b"
WHITE = "#ffffff"
FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
# Goals differ by dash pattern first (readable in greyscale), colour second.
GOAL_STYLES: tuple[tuple[str, str | None], ...] = (
    (ACCENT, None),
    ("#1d4f7a", "7 4"),
    ("#7a3b00", "2 3"),
)

Attrs = Mapping[str, object]  # values are text or numbers


def render_svg(
    chart: ScoreChart,
    *,
    width: float = 640,
    height: float = 260,
    padding: Padding | None = None,
) -> str:
    """The score chart as a complete inline `<svg>` element."""
    geometry = layout(chart, width=width, height=height, padding=padding)
    return _score_svg(geometry)


def goal_chart(
    goals: Sequence[GoalSeries],
    *,
    x_mode: XMode = "date",
    width: float = 640,
    height: float = 220,
    title: str = "Goal ratings",
    date_pattern: str = "",
) -> str:
    """Up to three goals rated 0-10, one line each, told apart by dash pattern and legend."""
    geometry = goal_layout(
        goals, x_mode=x_mode, width=width, height=height, title=title, date_pattern=date_pattern
    )
    return _goal_svg(geometry)


def sparkline(
    values: Sequence[float], *, width: float = 80, height: float = 20, lower_is_better: bool = True
) -> str:
    """A tiny line of the last scores for the caseload, its title reading them out."""
    vertices = sparkline_points(values, width=width, height=height)
    return _svg(
        width=width,
        height=height,
        kind="sparkline",
        title=_sparkline_title(values, lower_is_better),
        desc=None,
        body=_sparkline_body(vertices, width, height),
    )


def _sparkline_body(vertices: Sequence[Vertex], width: float, height: float) -> str:
    """The line and a dot on the latest score; a faint flat line when there is none."""
    if not vertices:
        mid = height / 2
        return _tag("line", {"x1": 2, "y1": mid, "x2": width - 2, "y2": mid, "stroke": GRID})
    x, y = vertices[-1]
    dot = _tag("circle", {"cx": x, "cy": y, "r": 2, "fill": ACCENT})
    if len(vertices) == 1:
        return dot
    return _tag("polyline", _line_attrs(vertices, ACCENT, 1.5)) + dot


def _sparkline_title(values: Sequence[float], lower_is_better: bool) -> str:
    if not values:
        return "No scores yet"
    direction = "lower" if lower_is_better else "higher"
    noun = "score" if len(values) == 1 else f"{len(values)} scores"
    listed = ", ".join(format_number(value) for value in values)
    return f"Last {noun}: {listed} ({direction} is better)"


def _score_svg(geometry: ChartGeometry) -> str:
    parts = [_severity(band, geometry) for band in geometry.severity]
    if geometry.reliable_change:
        parts.append(_reliable_change(geometry.reliable_change, geometry))
    parts.append(_axes(geometry))
    if geometry.expected:
        parts.append(_expected(geometry.expected))
    if geometry.cutoff:
        parts.append(_cutoff(geometry.cutoff, geometry))
    if len(geometry.points) > 1:
        line = _line_attrs(geometry.line, ACCENT, 2)
        parts.append(_tag("polyline", {"class": "chart-line", **line}))
    parts.extend(_point(point, ACCENT) for point in geometry.points)
    parts.extend(_marker(marker) for marker in geometry.markers)
    parts.extend(_legend_item(item) for item in geometry.legend)
    if geometry.empty_message:
        parts.append(_empty(geometry.empty_message, geometry))
    return _svg(
        width=geometry.width,
        height=geometry.height,
        kind="score",
        title=geometry.title,
        desc=" ".join((geometry.summary, *geometry.notes)),
        body="".join(parts),
    )


def _goal_svg(geometry: GoalChartGeometry) -> str:
    parts = [_axes(geometry)]
    for index, line in enumerate(geometry.lines):
        colour, dash = GOAL_STYLES[index]
        vertices = tuple((point.x, point.y) for point in line.points)
        if len(vertices) > 1:
            attrs = {"class": f"chart-goal chart-goal-{index}", **_line_attrs(vertices, colour, 2)}
            if dash:
                attrs["stroke-dasharray"] = dash
            parts.append(_tag("polyline", attrs))
        parts.extend(_point(point, colour) for point in line.points)
    parts.extend(_legend_item(item) for item in geometry.legend)
    if geometry.empty_message:
        parts.append(_empty(geometry.empty_message, geometry))
    return _svg(
        width=geometry.width,
        height=geometry.height,
        kind="goals",
        title=geometry.title,
        desc=geometry.summary,
        body="".join(parts),
    )


def _svg(*, width: float, height: float, kind: str, title: str, desc: str | None, body: str) -> str:
    """The root element; ids come from the content, so they are stable and rarely collide."""
    digest = hashlib.sha256("\0".join((title, desc or "", body)).encode()).hexdigest()[:10]
    ident = f"chart-{digest}"
    head = _tag("title", {"id": f"{ident}-title"}, escape(title))
    described: dict[str, str] = {}
    if desc is not None:
        head += _tag("desc", {"id": f"{ident}-desc"}, escape(desc))
        described = {"aria-describedby": f"{ident}-desc"}
    attrs: Attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "viewBox": f"0 0 {format_number(width)} {format_number(height)}",
        "width": width,
        "height": height,
        "role": "img",
        "aria-labelledby": f"{ident}-title",
        **described,
        "class": f"chart chart-{kind}",
        "font-family": FONT_FAMILY,
        "font-size": 11,
        "fill": INK,
    }
    return _tag("svg", attrs, head + body)


def _tag(name: str, attrs: Attrs, content: str | None = None) -> str:
    """An element; `content` is markup that the caller has already escaped."""
    rendered = "".join(f" {key}={_attr(value)}" for key, value in attrs.items())
    if content is None:
        return f"<{name}{rendered}/>"
    return f"<{name}{rendered}>{content}</{name}>"


def _attr(value: object) -> str:
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, int | float):
        # A formatted number is digits, a sign and a point: nothing to escape.
        return f'"{format_number(value)}"'
    raise TypeError(f"an attribute value must be text or a number, got {value!r}")


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    """An attribute's text, quoted and escaped. A chart repeats the same few dozen texts
    (colours, classes, styles) in thousands of attributes, so each is escaped once."""
    return quoteattr(value)


def _text(x: float, y: float, words: str, attrs: Attrs) -> str:
    return _tag("text", {"x": x, "y": y, **attrs}, escape(words))


def _hover(words: str) -> str:
    return _tag("title", {}, escape(words))


def _vertices(vertices: Sequence[Vertex]) -> str:
    return " ".join(f"{format_number(x)},{format_number(y)}" for x, y in vertices)


def _line_attrs(vertices: Sequence[Vertex], colour: str, stroke_width: float) -> dict[str, str]:
    return {
        "points": _vertices(vertices),
        "fill": "none",
        "stroke": colour,
        "stroke-width": format_number(stroke_width),
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
    }


def _css_name(code: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "", code.lower())


def _severity_fill(band: BandRect) -> str:
    return SEVERITY_SEQUENCE[band.level]


def _severity(band: BandRect, geometry: ChartGeometry) -> str:
    plot = geometry.plot
    rect = _tag(
        "rect",
        {
            "class": f"chart-severity chart-severity-{_css_name(band.code)}",
            "x": plot.left,
            "y": band.top,
            "width": plot.width,
            "height": band.bottom - band.top,
            "fill": _severity_fill(band),
            "opacity": 0.35,
        },
    )
    if band.label_y is None:
        return rect
    label = {"class": "chart-severity-label", "font-size": 11, "fill": INK}
    return rect + _text(geometry.severity_label_x, band.label_y, band.label, label)


def _reliable_change(rect: RangeRect, geometry: ChartGeometry) -> str:
    plot = geometry.plot
    attrs: Attrs = {
        "class": "chart-reliable-change",
        "x": plot.left,
        "y": rect.top,
        "width": plot.width,
        "height": rect.bottom - rect.top,
        "fill": MUTED,
        "fill-opacity": 0.1,
        "stroke": MUTED,
        "stroke-opacity": 0.5,
        "stroke-dasharray": "2 3",
    }
    return _tag("rect", attrs, _hover(rect.label))


def _axes(geometry: ChartGeometry | GoalChartGeometry) -> str:
    plot = geometry.plot
    parts = []
    for tick in geometry.y_ticks:
        grid = {"x1": plot.left, "y1": tick.at, "x2": plot.right, "y2": tick.at, "stroke": GRID}
        parts.append(_tag("line", {"class": "chart-grid", **grid}))
        label = {"class": "chart-tick", "text-anchor": "end", "fill": MUTED}
        parts.append(_text(plot.left - 6, tick.at + 4, tick.label, label))
    axis = {"x1": plot.left, "y1": plot.bottom, "x2": plot.right, "y2": plot.bottom}
    parts.append(_tag("line", {"class": "chart-axis", **axis, "stroke": AXIS}))
    for tick in geometry.x_ticks:
        mark = {"x1": tick.at, "y1": plot.bottom, "x2": tick.at, "y2": plot.bottom + 4}
        parts.append(_tag("line", {**mark, "stroke": AXIS}))
        label = {"class": "chart-tick", "text-anchor": "middle", "fill": MUTED}
        parts.append(_text(tick.at, plot.bottom + 16, tick.label, label))
    return "".join(parts)


def _path(outline: Sequence[Vertex]) -> str:
    head, *rest = outline
    steps = "".join(f" L{format_number(x)} {format_number(y)}" for x, y in rest)
    return f"M{format_number(head[0])} {format_number(head[1])}{steps} Z"


def _expected(band: ExpectedBandGeometry) -> str:
    area = _tag(
        "path",
        {"class": "chart-expected", "d": _path(band.outline), "fill": ACCENT, "opacity": 0.2},
        _hover("Expected range"),
    )
    if len(band.centre) < 2:
        return area
    centre = {"class": "chart-expected-line", **_line_attrs(band.centre, ACCENT, 1.2)}
    return area + _tag("polyline", {**centre, "stroke-dasharray": "4 4", "opacity": 0.7})


def _cutoff(line: CutOffLine, geometry: ChartGeometry) -> str:
    plot = geometry.plot
    attrs: Attrs = {
        "class": "chart-cutoff",
        "x1": plot.left,
        "y1": line.y,
        "x2": plot.right,
        "y2": line.y,
        "stroke": INK,
        "stroke-width": 1.2,
        "stroke-dasharray": "6 4",
    }
    label = {"class": "chart-cutoff-label", "font-size": 11, "fill": INK}
    return _tag("line", attrs) + _text(line.label_x, line.label_y, line.label, label)


def _point(point: PlottedPoint, colour: str) -> str:
    position = {"cx": point.x, "cy": point.y}
    if point.hollow:
        paint = {"fill": WHITE, "stroke": colour, "stroke-width": 1.5, "r": 3.5}
        attrs = {"class": "chart-point chart-point-prorated", **position, **paint}
    else:
        paint = {"fill": colour, "stroke": WHITE, "stroke-width": 1, "r": 4}
        attrs = {"class": "chart-point", **position, **paint}
    return _tag("circle", attrs, _hover(point.hover))


def _marker_shape(kind: str, x: float, y: float) -> tuple[str, Attrs]:
    """Risk a triangle, milestone a diamond, alert a square, prorated an open circle."""
    if kind == "risk":
        triangle = ((x, y - 5.5), (x + 5.5, y + 4.5), (x - 5.5, y + 4.5))
        return "polygon", {"points": _vertices(triangle), "fill": DANGER}
    if kind == "milestone":
        diamond = ((x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y))
        return "polygon", {"points": _vertices(diamond), "fill": ACCENT}
    if kind == "alert":
        return "rect", {"x": x - 4.5, "y": y - 4.5, "width": 9, "height": 9, "fill": DANGER}
    return "circle", {"cx": x, "cy": y, "r": 3.5, "fill": WHITE, "stroke": ACCENT}


def _marker(marker: Marker) -> str:
    name, attrs = _marker_shape(marker.kind, marker.x, marker.y)
    attrs = {"class": f"chart-marker chart-marker-{marker.kind}", **attrs}
    return _tag(name, attrs, _hover(marker.hover))


def _legend_item(item: LegendItem) -> str:
    label = {"class": "chart-legend", "fill": MUTED}
    if item.kind in TEXT_ONLY_LEGEND:
        return _text(item.x, item.y, item.label, label)
    return _legend_swatch(item) + _text(item.x + 18, item.y, item.label, label)


def _legend_swatch(item: LegendItem) -> str:
    x, y = item.x, item.y - 4
    if item.kind == "expected":
        return _tag(
            "rect",
            {"x": x, "y": y - 4, "width": 14, "height": 8, "fill": ACCENT, "opacity": 0.2},
        )
    if item.kind == "reliable_change":
        box = {"x": x, "y": y - 4, "width": 14, "height": 8}
        return _tag("rect", {**box, "fill": MUTED, "fill-opacity": 0.1, "stroke": MUTED})
    if item.kind.startswith("goal-"):
        colour, dash = GOAL_STYLES[int(item.kind.removeprefix("goal-"))]
        line = _line_attrs(((x, y), (x + 14, y)), colour, 2)
        return _tag("polyline", {**line, "stroke-dasharray": dash} if dash else line)
    name, attrs = _marker_shape(item.kind, x + 7, y)
    return _tag(name, attrs)


def _empty(message: str, geometry: ChartGeometry | GoalChartGeometry) -> str:
    plot = geometry.plot
    x, y = plot.left + plot.width / 2, plot.top + plot.height / 2
    attrs = {"class": "chart-empty", "text-anchor": "middle", "fill": MUTED}
    return _text(x, y, message, attrs)
