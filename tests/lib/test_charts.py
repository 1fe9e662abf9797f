"""Chart geometry and SVG: the numbers land where they should and the markup is safe."""

import itertools
import math
import re
import subprocess
import sys
from datetime import date, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest

from strides.lib.charts import (
    ChartPoint,
    ExpectedPoint,
    GoalSeries,
    Padding,
    ScoreChart,
    SeverityBand,
    layout,
    sparkline_points,
)
from strides.lib.svg import goal_chart, render_svg, sparkline

SVG = "{http://www.w3.org/2000/svg}"
PAYLOAD = "<script>alert(1)</script>"
START = date(2026, 9, 3)
PHQ9_BANDS = (
    SeverityBand(min=0, max=4, code="minimal", label="Minimal"),
    SeverityBand(min=5, max=9, code="mild", label="Mild"),
    SeverityBand(min=10, max=14, code="moderate", label="Moderate"),
    SeverityBand(min=15, max=19, code="moderately_severe", label="Moderately severe"),
    SeverityBand(min=20, max=27, code="severe", label="Severe"),
)


def phq9(scores=(18, 15, 12, 8), *, every=11, **fields):
    points = [
        ChartPoint(x=START + timedelta(days=every * index), score=score)
        for index, score in enumerate(scores)
    ]
    defaults: dict[str, Any] = {"title": "PHQ-9", "y_min": 0, "y_max": 27}
    return ScoreChart(**(defaults | {"lower_is_better": True, "points": points} | fields))


def sessions(scores, **fields):
    points = [ChartPoint(x=index + 1, score=score) for index, score in enumerate(scores)]
    return phq9(x_mode="session", points=points, **fields)


def expected_band():
    steps = []
    for t in range(1, 9):
        expected = 18 - 3.5 * math.log(t)
        half = 0 if t == 1 else 5.0
        steps.append(
            ExpectedPoint(x=t, expected=expected, low=expected - half, high=expected + half)
        )
    return tuple(steps)


def full_chart(label=""):
    points = [
        ChartPoint(x=1, score=18, label=label, markers=("risk",)),
        ChartPoint(x=2, score=16, markers=("prorated",)),
        ChartPoint(x=3, score=12, markers=("alert", "risk")),
        ChartPoint(x=5, score=8, markers=("milestone",)),
    ]
    return phq9(
        x_mode="session",
        points=points,
        cutoff=10,
        reliable_change=6,
        expected=expected_band(),
        severity=PHQ9_BANDS,
    )


def parse(svg):
    return ElementTree.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)


# Geometry


def test_y_min_and_y_max_map_to_the_plot_edges_with_higher_scores_drawn_higher():
    geometry = layout(sessions([0, 27, 13.5]))
    low, high, middle = geometry.points
    assert low.y == pytest.approx(geometry.plot.bottom)
    assert high.y == pytest.approx(geometry.plot.top)
    assert middle.y == pytest.approx((geometry.plot.top + geometry.plot.bottom) / 2)


def test_direction_does_not_flip_the_y_axis():
    """Higher scores are always drawn higher; lower_is_better changes only the words."""
    lower = layout(sessions([5, 20]))
    higher = layout(sessions([5, 20], lower_is_better=False))
    assert [p.y for p in lower.points] == [p.y for p in higher.points]
    assert lower.points[1].y < lower.points[0].y
    assert "lower is better" in lower.summary
    assert "higher is better" in higher.summary
    assert [item.label for item in higher.legend if item.kind == "direction"] == [
        "Higher scores are better"
    ]


def test_x_runs_left_to_right_in_time_whatever_order_the_points_come_in():
    chart = phq9(points=[ChartPoint(x=date(2026, 10, 1), score=5), ChartPoint(x=START, score=18)])
    geometry = layout(chart)
    assert [p.score for p in geometry.points] == [18, 5]
    assert geometry.points[0].x < geometry.points[1].x
    assert "from 18 on 3 Sep to 5 on 1 Oct" in geometry.summary


@pytest.mark.parametrize(
    ("y_min", "y_max"), [(0, 27), (0, 21), (0, 40), (0, 10), (0, 100), (-5, 5), (0, 1), (1, 4)]
)
def test_y_ticks_are_round_numbers_inside_the_range(y_min, y_max):
    geometry = layout(phq9(y_min=y_min, y_max=y_max, points=[]))
    values = [float(tick.label) for tick in geometry.y_ticks]
    assert len(values) >= 2
    assert all(y_min <= value <= y_max for value in values)
    step = values[1] - values[0]
    assert step / 10 ** math.floor(math.log10(step)) == pytest.approx(
        min((1, 2, 5, 10), key=lambda m: abs(m - step / 10 ** math.floor(math.log10(step))))
    )
    assert all(value / step == pytest.approx(round(value / step)) for value in values)
    assert all(
        geometry.plot.top - 0.01 <= tick.at <= geometry.plot.bottom + 0.01
        for tick in geometry.y_ticks
    )


def test_phq9_ticks_count_in_fives():
    assert [tick.label for tick in layout(phq9()).y_ticks] == ["0", "5", "10", "15", "20", "25"]


def test_session_ticks_are_whole_numbers():
    geometry = layout(sessions([20, 18, 17, 15, 14, 12, 11, 10, 9, 9, 8, 7, 6, 6, 5, 5, 4, 4, 3]))
    labels = [tick.label for tick in geometry.x_ticks]
    assert labels
    assert all(re.fullmatch(r"\d+", label) for label in labels)
    assert all(1 <= int(label) <= 19 for label in labels)


@pytest.mark.parametrize(
    ("days", "pattern"),
    [
        (5, r"\d{1,2} [A-Z][a-z]{2}"),  # a few days: each day
        (60, r"\d{1,2} [A-Z][a-z]{2}"),  # two months: Mondays
        (300, r"[A-Z][a-z]{2}( \d{4})?"),  # most of a year: months
    ],
)
def test_date_ticks_are_days_weeks_or_months_by_span(days, pattern):
    chart = phq9(
        points=[ChartPoint(x=START, score=10), ChartPoint(x=START + timedelta(days), score=8)]
    )
    ticks = layout(chart).x_ticks
    assert len(ticks) >= 2
    assert all(re.fullmatch(pattern, tick.label) for tick in ticks)
    gaps = [after.at - before.at for before, after in itertools.pairwise(ticks)]
    assert min(gaps) >= 50  # labels do not crowd each other


def test_weekly_ticks_fall_on_mondays():
    chart = phq9(
        points=[ChartPoint(x=START, score=10), ChartPoint(x=START + timedelta(60), score=8)]
    )
    labels = [tick.label for tick in layout(chart).x_ticks]
    assert labels[0] == "7 Sep"  # 3 Sep 2026 is a Thursday; the next Monday is the 7th
    assert date(2026, 9, 7).weekday() == 0


def test_month_ticks_name_the_year_on_the_first_tick_and_in_january():
    chart = phq9(
        points=[ChartPoint(x=START, score=10), ChartPoint(x=START + timedelta(300), score=8)]
    )
    labels = [tick.label for tick in layout(chart).x_ticks]
    assert labels[0].endswith("2026")
    assert "Jan 2027" in labels


def test_cutoff_line_sits_at_the_cutoff_score_and_is_labelled():
    geometry = layout(phq9(cutoff=10, cutoff_label="Clinical cut-off"))
    plot = geometry.plot
    assert geometry.cutoff is not None
    assert geometry.cutoff.y == pytest.approx(plot.bottom - 10 / 27 * plot.height)
    assert geometry.cutoff.label == "Clinical cut-off 10"


def test_expected_band_polygon_encloses_the_expected_scores():
    """The outline runs along the high edge left to right, then the low edge back."""
    chart = phq9(x_mode="session", points=[ChartPoint(x=1, score=18)], expected=expected_band())
    geometry = layout(chart)
    assert geometry.expected is not None
    outline, centre = geometry.expected.outline, geometry.expected.centre
    upper, lower = outline[: len(centre)], outline[len(centre) :][::-1]
    assert len(outline) == 2 * len(centre) == 2 * len(expected_band())
    for (ux, uy), (cx, cy), (lx, ly) in zip(upper, centre, lower, strict=True):
        assert ux == cx == lx
        assert uy <= cy <= ly  # pixel y grows downwards: high score edge on top
    assert upper[0] == centre[0] == lower[0]  # no band at intake
    inner = zip(upper[1:], centre[1:], lower[1:], strict=True)
    assert all(uy < cy < ly for (_, uy), (_, cy), (_, ly) in inner)


def test_expected_band_widens_the_x_range_beyond_the_last_score():
    geometry = layout(
        phq9(x_mode="session", points=[ChartPoint(x=1, score=18)], expected=expected_band())
    )
    assert geometry.expected is not None
    assert geometry.expected.centre[-1][0] > geometry.points[0].x
    assert [tick.label for tick in geometry.x_ticks][-1] == "8"


def test_reliable_change_band_spans_intake_plus_and_minus_the_threshold():
    geometry = layout(phq9(reliable_change=6))
    y_of = layout(sessions([24, 12])).points
    assert geometry.reliable_change is not None
    assert geometry.reliable_change.top == pytest.approx(y_of[0].y)
    assert geometry.reliable_change.bottom == pytest.approx(y_of[1].y)


def test_severity_bands_meet_at_whole_number_boundaries_and_are_named():
    geometry = layout(phq9(severity=PHQ9_BANDS))
    rects = geometry.severity
    assert [rect.label for rect in rects] == [band.label for band in PHQ9_BANDS]
    assert all(lower.top == upper.bottom for lower, upper in itertools.pairwise(rects))
    assert rects[0].bottom == pytest.approx(geometry.plot.bottom)
    assert rects[-1].top == pytest.approx(geometry.plot.top)
    assert all(rect.label_y is not None for rect in rects)


def test_severity_rank_runs_from_least_severe_whichever_direction_is_better():
    bands = (
        SeverityBand(min=0, max=12, code="low_wellbeing", label="Low wellbeing"),
        SeverityBand(min=13, max=25, code="good", label="Good"),
    )
    geometry = layout(phq9(y_max=25, lower_is_better=False, severity=bands))
    assert {rect.code: rect.rank for rect in geometry.severity} == {"low_wellbeing": 1, "good": 0}


def test_one_point_is_centred_with_one_tick():
    geometry = layout(phq9([18]))
    (point,) = geometry.points
    plot = geometry.plot
    assert point.x == pytest.approx(plot.left + plot.width / 2)
    assert [tick.label for tick in geometry.x_ticks] == ["3 Sep"]
    assert geometry.summary == "PHQ-9 (lower is better): one score, 18 on 3 Sep."


def test_all_equal_scores_draw_a_flat_line():
    geometry = layout(phq9([9, 9, 9]))
    assert len({y for _, y in geometry.line}) == 1
    assert len(geometry.y_ticks) >= 2


def test_same_day_scores_are_spread_apart_and_keep_their_own_hover():
    chart = phq9(
        points=[
            ChartPoint(x=START, score=12, label="morning"),
            ChartPoint(x=START, score=14, label="evening"),
        ]
    )
    first, second = layout(chart).points
    assert 0 < second.x - first.x <= 10
    assert first.hover == "12 on 3 Sep 2026; morning"
    assert second.hover == "14 on 3 Sep 2026; evening"


def test_empty_series_renders_an_empty_state_message():
    chart = phq9([], cutoff=10, severity=PHQ9_BANDS, reliable_change=6)
    geometry = layout(chart)
    assert geometry.points == ()
    assert geometry.x_ticks == ()
    assert geometry.reliable_change is None
    assert geometry.empty_message is not None
    assert geometry.summary == "PHQ-9 (lower is better): no scores yet."
    svg = render_svg(chart)
    assert "No scores yet." in svg
    assert "<circle" not in svg and "<polyline" not in svg


def test_scores_outside_the_range_are_clamped_and_the_chart_says_so():
    geometry = layout(sessions([30, 12, -2]))
    top, _, bottom = geometry.points
    assert (top.y, bottom.y) == (
        pytest.approx(geometry.plot.top),
        pytest.approx(geometry.plot.bottom),
    )
    assert [p.clamped for p in geometry.points] == [True, False, True]
    assert top.score == 30
    assert "drawn at the edge" in top.hover
    assert geometry.notes == (
        "2 scores outside the chart's range (0 to 27) are drawn at the edge.",
    )
    svg = render_svg(sessions([30, 12]))
    assert (
        "1 score outside the chart&#x27;s range" in svg
        or "1 score outside the chart's range" in svg
    )


def test_markers_stack_above_their_point():
    geometry = layout(full_chart())
    at_session_3 = [m for m in geometry.markers if m.x == geometry.points[2].x]
    assert [m.kind for m in at_session_3] == ["alert", "risk"]
    assert geometry.points[2].y > at_session_3[0].y > at_session_3[1].y
    assert "prorated" not in {m.kind for m in geometry.markers}
    assert geometry.points[1].hollow


def test_markers_go_below_a_point_at_the_top_edge():
    chart = phq9(points=[ChartPoint(x=START, score=27, markers=("risk",))])
    geometry = layout(chart)
    assert geometry.markers[0].y > geometry.points[0].y


def test_summary_reads_first_and_last_score_and_the_side_of_the_cutoff():
    chart = phq9(
        points=[ChartPoint(x=START, score=18), ChartPoint(x=date(2026, 11, 20), score=8)], cutoff=10
    )
    assert layout(chart).summary == (
        "PHQ-9 (lower is better) from 18 on 3 Sep to 8 on 20 Nov; below the cut-off of 10."
    )
    assert "at or above the cut-off of 10" in layout(phq9([18, 10], cutoff=10)).summary


def test_summary_names_the_years_when_the_chart_crosses_a_new_year():
    chart = phq9(points=[ChartPoint(x=START, score=18), ChartPoint(x=date(2027, 1, 14), score=8)])
    assert "from 18 on 3 Sep 2026 to 8 on 14 Jan 2027" in layout(chart).summary


def test_summary_counts_the_markers():
    assert layout(full_chart()).summary.endswith(
        "; marked: 2 risk flags, 1 milestone, 1 alert, 1 prorated score."
    )


def test_legend_wraps_onto_more_rows_when_narrow_and_the_plot_shrinks():
    wide = layout(full_chart(), width=640)
    narrow = layout(full_chart(), width=300)
    assert len({item.y for item in narrow.legend}) > len({item.y for item in wide.legend})
    assert narrow.plot.height < wide.plot.height
    assert all(item.y < narrow.height for item in narrow.legend)


def test_explicit_padding_is_used():
    geometry = layout(phq9(), padding=Padding(top=20, right=30, bottom=40, left=50))
    assert (geometry.plot.left, geometry.plot.top, geometry.plot.right) == (50, 20, 610)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"y_min": 10, "y_max": 10}, "y_min must be below y_max"),
        ({"points": [ChartPoint(x=1, score=3)]}, "must be a date"),
        ({"x_mode": "session", "points": [ChartPoint(x=START, score=3)]}, "session number"),
        ({"points": [ChartPoint(x=START, score=math.nan)]}, "finite"),
        ({"cutoff": 30}, "outside"),
        ({"reliable_change": 0}, "positive"),
        ({"severity": [SeverityBand(min=5, max=5, code="x", label="X")]}, "min < max"),
        ({"expected": [ExpectedPoint(x=START, expected=5, low=6, high=7)]}, "low <= expected"),
    ],
)
def test_invalid_charts_are_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        phq9(**fields)


def test_a_chart_too_small_to_draw_is_refused():
    with pytest.raises(ValueError, match="at least"):
        layout(phq9(), width=100, height=50)


# SVG


def test_svg_is_an_accessible_image_with_a_title_and_a_one_sentence_description():
    svg = render_svg(full_chart())
    root = parse(svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert title.text == "PHQ-9"
    assert desc.text is not None and desc.text.startswith("PHQ-9 (lower is better) from 18")
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")


def test_every_point_is_a_circle_with_hover_text():
    root = parse(render_svg(full_chart(label="Intake")))
    points = [c for c in root.iter(f"{SVG}circle") if "chart-point" in (c.get("class") or "")]
    assert len(points) == 4
    hovers = [point.findtext(f"{SVG}title") for point in points]
    assert hovers[0] == "18 at session 1; Intake; Risk flagged"
    assert all(hovers)


def test_markers_are_distinct_shapes_not_colour_alone():
    root = parse(render_svg(full_chart()))
    shapes = {
        element.get("class", "").split()[-1]: element.tag.removeprefix(SVG)
        for element in root.iter()
        if "chart-marker" in (element.get("class") or "")
    }
    assert shapes == {
        "chart-marker-risk": "polygon",
        "chart-marker-milestone": "polygon",
        "chart-marker-alert": "rect",
    }
    polygons = {
        element.get("class", "").split()[-1]: len((element.get("points") or "").split())
        for element in root.iter(f"{SVG}polygon")
        if element.get("class")
    }
    assert polygons == {"chart-marker-risk": 3, "chart-marker-milestone": 4}
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-legend"]
    assert {"Risk flagged", "Milestone", "Alert", "Prorated (some answers missing)"} <= set(legend)


def test_cutoff_is_a_dashed_labelled_line_and_bands_are_faint():
    root = parse(render_svg(full_chart()))
    (cutoff,) = [e for e in root.iter(f"{SVG}line") if e.get("class") == "chart-cutoff"]
    assert cutoff.get("stroke-dasharray")
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-cutoff-label"]
    assert labels == ["Cut-off 10"]
    bands = [e for e in root.iter(f"{SVG}rect") if "chart-severity" in (e.get("class") or "")]
    assert len(bands) == 5
    assert all(float(band.get("opacity") or 1) <= 0.3 for band in bands)
    expected = [e for e in root.iter(f"{SVG}path") if e.get("class") == "chart-expected"]
    assert len(expected) == 1 and float(expected[0].get("opacity") or 1) <= 0.3


def all_svgs(label=PAYLOAD):
    goals = [GoalSeries(name=label or "Sleep", ratings=[(START, 3), (START + timedelta(7), 6)])]
    return [
        render_svg(full_chart(label)),
        render_svg(phq9([])),
        goal_chart(goals),
        sparkline([18, 12, 8]),
        sparkline([]),
    ]


def test_output_has_no_style_attribute_script_or_external_reference():
    for svg in all_svgs(label=""):
        parse(svg)
        lowered = svg.lower()
        for forbidden in (
            "style=",
            "<style",
            "<script",
            "href",
            "url(",
            "javascript:",
            "<foreignobject",
        ):
            assert forbidden not in lowered, forbidden
        assert re.search(r"\son[a-z]+=", lowered) is None


def test_markup_in_labels_is_escaped_everywhere():
    chart = ScoreChart(
        title=PAYLOAD,
        y_min=0,
        y_max=27,
        lower_is_better=True,
        x_mode="session",
        points=[ChartPoint(x=1, score=18, label=PAYLOAD), ChartPoint(x=2, score=9)],
        cutoff=10,
        cutoff_label=PAYLOAD,
        severity=[SeverityBand(min=0, max=27, code='"><script>', label=PAYLOAD)],
    )
    goals = [GoalSeries(name=PAYLOAD, ratings=[(START, 3)])]
    for svg in [render_svg(chart), goal_chart(goals), render_svg(full_chart(label=PAYLOAD))]:
        parse(svg)
        assert "<script" not in svg
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_same_input_gives_the_same_string():
    assert render_svg(full_chart()) == render_svg(full_chart())
    assert all_svgs() == all_svgs()


def test_different_charts_get_different_ids():
    first, second = parse(render_svg(phq9([18, 9]))), parse(render_svg(phq9([18, 12])))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_numbers_have_at_most_one_decimal():
    for svg in all_svgs():
        assert re.search(r"\d\.\d\d", svg) is None


# Sparkline


def test_sparkline_fills_its_box_with_higher_scores_higher():
    vertices = sparkline_points([18, 12, 8], width=80, height=20)
    xs, ys = [x for x, _ in vertices], [y for _, y in vertices]
    assert xs == sorted(xs) and xs[0] < 5 and xs[-1] > 75
    assert ys == sorted(ys)  # falling scores go down the box
    assert min(ys) >= 0 and max(ys) <= 20


def test_sparkline_title_reads_the_scores_and_the_direction():
    root = parse(sparkline([18, 12, 8], lower_is_better=True))
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == "Last 3 scores: 18, 12, 8 (lower is better)"
    assert root.get("width") == "80" and root.get("height") == "20"
    assert parse(sparkline([40], lower_is_better=False)).findtext(f"{SVG}title") == (
        "Last score: 40 (higher is better)"
    )


def test_sparkline_of_nothing_or_one_score_still_renders():
    assert parse(sparkline([])).findtext(f"{SVG}title") == "No scores yet"
    one = parse(sparkline([7]))
    assert len(list(one.iter(f"{SVG}circle"))) == 1
    assert not list(one.iter(f"{SVG}polyline"))
    flat = sparkline_points([5, 5, 5], width=80, height=20)
    assert {y for _, y in flat} == {10}


# Goals


def goals(count=3):
    names = ["Sleep through the night", "Back at work", "See friends weekly", "Run 5k"]
    return [
        GoalSeries(
            name=name, ratings=[(START + timedelta(7 * week), 2 + week + i) for week in range(4)]
        )
        for i, name in enumerate(names[:count])
    ]


def test_goal_chart_draws_one_line_per_goal_told_apart_by_dash_pattern_and_legend():
    root = parse(goal_chart(goals()))
    lines = [e for e in root.iter(f"{SVG}polyline") if "chart-goal" in (e.get("class") or "")]
    assert len(lines) == 3
    assert len({line.get("stroke-dasharray") for line in lines}) == 3
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-legend"]
    assert legend == ["Sleep through the night", "Back at work", "See friends weekly"]
    assert root.findtext(f"{SVG}desc", "").startswith(
        "Goal ratings (out of 10): Sleep through the night from 2 on 3 Sep to 5 on 24 Sep;"
    )


def test_goal_chart_y_axis_runs_from_0_to_10():
    root = parse(goal_chart(goals(1)))
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert ticks[:6] == ["0", "2", "4", "6", "8", "10"]


def test_goal_chart_refuses_more_than_three_goals_and_ratings_outside_0_to_10():
    with pytest.raises(ValueError, match="at most 3"):
        goal_chart(goals(4))
    with pytest.raises(ValueError, match="0 to 10"):
        goal_chart([GoalSeries(name="Sleep", ratings=[(START, 11)])])


def test_goal_chart_without_ratings_says_what_to_do_next():
    svg = goal_chart([GoalSeries(name="Sleep", ratings=[])])
    assert "No goal ratings yet. Rate a goal in session" in svg
    assert "Sleep: not rated yet" in svg


def test_chart_modules_do_not_load_django():
    code = "import sys, strides.lib.charts, strides.lib.svg; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_chart_without_an_expected_band_says_why_in_the_legend_and_summary():
    geometry = layout(phq9(expected_note="No expected curve for this measure"))
    notes = [item.label for item in geometry.legend if item.kind == "note"]
    assert notes == ["No expected curve for this measure"]
    assert "; no expected curve for this measure." in geometry.summary
    assert "No expected curve for this measure" in render_svg(
        phq9(expected_note="No expected curve for this measure")
    )


def test_the_note_is_not_shown_when_the_band_is_drawn():
    band = [ExpectedPoint(x=date(2024, 9, 3), expected=18, low=18, high=18)]
    geometry = layout(phq9(expected=band, expected_note="No expected curve for this measure"))
    assert not [item for item in geometry.legend if item.kind == "note"]
    assert "expected curve" not in geometry.summary
