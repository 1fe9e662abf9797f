"""What the shipped definition files say: shape, cut-offs, codes, wording, citations."""

import subprocess
import sys

import pytest

from strides.instruments import get_instrument, list_instruments
from strides.instruments.loader import SHIPPED_DIR

# code: (items, option values, lower is better, min total, max total, cut-off, reliable change)
SHAPES = {
    "phq9": (9, [0, 1, 2, 3], True, 0, 27, 10, 6),
    "gad7": (7, [0, 1, 2, 3], True, 0, 21, 8, 4),
    "who5": (5, [5, 4, 3, 2, 1, 0], False, 0, 25, 13, 2.5),
    "k10": (10, [1, 2, 3, 4, 5], True, 10, 50, None, None),
    "core10": (10, [0, 1, 2, 3, 4], True, 0, 40, 11, 6),
    "pcl5": (20, [0, 1, 2, 3, 4], True, 0, 80, 33, 10),
    "wsas": (5, [0, 1, 2, 3, 4, 5, 6, 7, 8], True, 0, 40, None, None),
    "proqol5": (30, [1, 2, 3, 4, 5], True, None, None, None, None),
}


@pytest.mark.parametrize("code", SHAPES)
def test_definition_has_the_published_shape(code):
    n_items, values, lower_is_better, low, high, cutoff, change = SHAPES[code]
    instrument = get_instrument(code)

    assert [item.number for item in instrument.items] == list(range(1, n_items + 1))
    assert all([o.value for o in item.options] == values for item in instrument.items)
    assert instrument.lower_is_better is lower_is_better
    assert (instrument.min_total, instrument.max_total) == (low, high)
    assert instrument.cutoff == cutoff
    assert instrument.reliable_change == change


@pytest.mark.parametrize("instrument", list_instruments(), ids=lambda i: i.code)
def test_every_definition_cites_its_source_and_licence(instrument):
    assert instrument.source.strip()
    assert instrument.licence.strip()
    assert instrument.version
    assert instrument.language.startswith("en")
    assert all(item.text.strip() for item in instrument.items)


def test_loinc_panel_and_total_codes_are_kept_apart():
    assert get_instrument("phq9").loinc.panel == "44249-1"
    assert get_instrument("phq9").loinc.total == "44261-6"
    assert get_instrument("gad7").loinc.total == "70274-6"
    assert get_instrument("pcl5").loinc.total == "101698-9"
    assert get_instrument("pcl5").loinc.panel is None
    for code in ("who5", "k10", "core10", "wsas"):
        assert get_instrument(code).loinc.total is None
        assert get_instrument(code).url


def test_values_taken_from_secondary_sources_are_marked_unverified():
    fields = {(i.code, u.field) for i in list_instruments() for u in i.unverified}

    assert {
        ("who5", "flags.likely_depression"),
        ("who5", "reliable_change.points"),
        ("k10", "reliable_change"),
        ("pcl5", "reliable_change.points"),
        ("wsas", "licence"),
        ("wsas", "reliable_change"),
        ("proqol5", "subscales.bands"),
        ("pcl5", "codes.loinc_total"),
    } <= fields


def test_confirmed_values_carry_their_source_and_no_unverified_marker():
    fields = {(i.code, u.field) for i in list_instruments() for u in i.unverified}
    assert not {("gad7", "codes.loinc_panel"), ("wsas", "scoring.not_applicable")} & fields
    texts = {code: (SHIPPED_DIR / f"{code}.toml").read_text() for code in ("gad7", "phq9", "wsas")}
    assert "HL7 FHIR personal health record implementation guide" in texts["gad7"]
    assert "HL7 FHIR personal health record implementation guide" in texts["phq9"]
    assert "NHS Data Dictionary" in texts["wsas"] and "2012 archived release" in texts["wsas"]
    assert get_instrument("gad7").loinc.panel == "69737-5"


def test_reliable_change_is_a_published_point_value_where_one_is_given():
    for instrument in list_instruments():
        if instrument.reliable_change is not None:
            assert instrument.reliable_change_method == "points"
            assert instrument.reliable_change_source
            assert instrument.sd is None and instrument.reliability is None


def test_phq9_wording_matches_the_form():
    phq9 = get_instrument("phq9")

    assert phq9.stem == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert phq9.item(9).text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert [o.label for o in phq9.item(1).options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert [item.number for item in phq9.supplementary_items] == [10]


def test_core10_wording_keeps_the_licensed_text():
    core10 = get_instrument("core10")

    assert core10.item(6).text == "I made plans to end my life"
    assert core10.stem == "Over the last week..."
    assert core10.instructions is not None
    assert "Then tick the box which is closest to this." in core10.instructions
    assert [o.label for o in core10.item(1).options] == [
        "Not at all",
        "Only occasionally",
        "Sometimes",
        "Often",
        "Most or all of the time",
    ]


def test_proqol_keeps_the_bracketed_words_of_the_form():
    proqol = get_instrument("proqol5")

    assert proqol.item(2).text == "I am preoccupied with more than one person I [help]."
    assert proqol.item(21).text == "I feel overwhelmed because my case [work] load seems endless."
    assert [s.code for s in proqol.subscales] == ["cs", "bo", "sts"]
    assert [s.lower_is_better for s in proqol.subscales] == [False, True, True]
    assert not proqol.has_total


def test_wsas_prints_labels_only_on_even_points():
    labels = [o.label for o in get_instrument("wsas").item(2).options]

    assert labels == [
        "Not at all",
        None,
        "Slightly",
        None,
        "Definitely",
        None,
        "Markedly",
        None,
        "Very severely",
    ]


def test_package_imports_nothing_from_django():
    code = (
        "import sys, strides.instruments as i; i.score('phq9', {1: 0}); "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.') "
        "or (m.startswith('strides.') and not m.startswith('strides.instruments'))]; "
        "print(bad); sys.exit(bool(bad))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
