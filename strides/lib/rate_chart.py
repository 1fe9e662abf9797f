"""Rates over time with their intervals, as accessible inline SVG.

Plain values in, markup out, under the same rules as `strides.lib.svg`: `<svg
role="img">` with a `<title>` and a plain-language `<desc>`, presentation attributes
only (no `style=`, no script), every text escaped. A period whose rate is hidden (too few
courses) is left as a gap and named in the description, never drawn as zero.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from strides.lib.svg import ACCENT, AXIS, FONT_FAMILY, GRID, INK, MUTED

# Series differ by marker shape and dash first (readable in greyscale), colour second.
SERIES_STYLES: tuple[tuple[str, str, str], ...] = (
    (ACCENT, "circle", ""),
    ("#1d4f7a", "square", "6 3"),
    ("#7a3b00", "diamond", "2 3"),
    ("#5c2a4d", "triangle", "8 2 2 2"),
)


@dataclass(frozen=True)
class RatePoint:
    """One period's rate as a proportion with its interval; None when hidden."""

    proportion: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class RateSeries:
    name: str
    points: Sequence[RatePoint | None]  # one per period, in period order


def _pct(value: float) -> str:
    return f"{round(value * 100)} %"


def rate_chart(
    *,
    title: str,
    periods: Sequence[str],
    series: Sequence[RateSeries],
    width: float = 640,
    height: float = 260,
) -> str:
    if len(series) > len(SERIES_STYLES):
        raise ValueError(f"at most {len(SERIES_STYLES)} series fit one chart")
    for line in series:
        if len(line.points) != len(periods):
            raise ValueError(f"{line.name}: one point per period is needed")
    left, right, top = 48.0, 12.0, 12.0
    legend_rows = len(series)
    bottom = height - 28.0 - 16.0 * legend_rows
    plot_w = width - left - right
    slot = plot_w / max(len(periods), 1)

    def y(value: float) -> float:
        return bottom - (bottom - top) * value

    parts: list[str] = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID if tick else AXIS}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{_pct(tick)}</text>"
        )
    for index, label in enumerate(periods):
        x = left + slot * (index + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 16:.1f}" text-anchor="middle" fill="{MUTED}">'
            f"{escape(label)}</text>"
        )
    sentences = []
    for number, line in enumerate(series):
        colour, shape, dash = SERIES_STYLES[number]
        offset = (number - (len(series) - 1) / 2) * min(10.0, slot / (len(series) + 1))
        vertices: list[tuple[float, float] | None] = []
        hidden = []
        shown = []
        for index, point in enumerate(line.points):
            if point is None:
                hidden.append(periods[index])
                vertices.append(None)
                continue
            x = left + slot * (index + 0.5) + offset
            vertices.append((x, y(point.proportion)))
            words = (
                f"{line.name}, {periods[index]}: {_pct(point.proportion)} "
                f"(95 % interval {_pct(point.low)} to {_pct(point.high)}, n = {point.n})"
            )
            shown.append(f"{periods[index]} {_pct(point.proportion)} (n = {point.n})")
            parts.append(
                f'<g class="rate-point"><title>{escape(words)}</title>'
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y(point.low):.1f}" '
                f'y2="{y(point.high):.1f}" stroke="{colour}" stroke-width="1.5"/>'
                f'<line x1="{x - 3:.1f}" x2="{x + 3:.1f}" y1="{y(point.low):.1f}" '
                f'y2="{y(point.low):.1f}" stroke="{colour}"/>'
                f'<line x1="{x - 3:.1f}" x2="{x + 3:.1f}" y1="{y(point.high):.1f}" '
                f'y2="{y(point.high):.1f}" stroke="{colour}"/>'
                f"{_marker(shape, x, y(point.proportion), colour)}</g>"
            )
        parts.extend(_segments(vertices, colour, dash))
        legend_y = height - 12.0 - 16.0 * (legend_rows - 1 - number)
        parts.append(_marker(shape, left + 6, legend_y - 4, colour))
        parts.append(
            f'<text x="{left + 16}" y="{legend_y:.1f}" fill="{INK}">{escape(line.name)}</text>'
        )
        sentence = f"{line.name}: " + (
            "; ".join(shown) if shown else "no period with enough courses"
        )
        if hidden:
            sentence += f"; hidden for {', '.join(hidden)} (too few courses)"
        sentences.append(sentence)
    desc = ". ".join(sentences) + "." if sentences else "No rates to show."
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart rate-chart" '
        f'width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}" '
        f'font-family={quoteattr(FONT_FAMILY)} font-size="11">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(parts)}</svg>"
    )


def _segments(vertices: Sequence[tuple[float, float] | None], colour: str, dash: str) -> list[str]:
    """Lines between consecutive shown periods only: a hidden period breaks the line."""
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return [
        f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" '
        f'stroke="{colour}" stroke-width="1.5" opacity="0.7"{dash_attr}/>'
        for a, b in pairwise(vertices)
        if a is not None and b is not None
    ]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "diamond":
        points = (
            f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} "
            f"{x:.1f},{y + 4.5:.1f} {x - 4.5:.1f},{y:.1f}"
        )
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
