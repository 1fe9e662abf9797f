import re
from pathlib import Path

from strides.lib.severity import LEVELS, SEVERITY_SEQUENCE, severity_level

CSS = Path(__file__).resolve().parents[2] / "strides/web/static/strides/strides.css"


def test_bands_of_one_instrument_never_share_a_colour() -> None:
    for count in range(1, LEVELS + 1):
        levels = [severity_level(rank, count) for rank in range(count)]
        assert levels == sorted(set(levels)), (count, levels)
        assert levels[0] == 0
        if count > 1:
            assert levels[-1] == LEVELS - 1


def test_the_page_chips_use_the_chart_colours() -> None:
    css = CSS.read_text()
    for level, colour in enumerate(SEVERITY_SEQUENCE):
        rule = re.search(rf"\.band-level-{level} \{{[^}}]*background: (#[0-9a-f]{{6}})", css)
        assert rule is not None, level
        assert rule.group(1) == colour


def test_chart_dates_follow_the_page_pattern() -> None:
    from datetime import date

    from strides.lib.charts import format_day

    day = date(2026, 10, 3)
    assert format_day(day, "d/m/Y") == "03/10/2026"
    assert format_day(day, "Y-m-d") == "2026-10-03"
    assert format_day(day, "d/m/Y", with_year=False) == "03/10"
    assert format_day(day, "Y-m-d", with_year=False) == "10-03"
