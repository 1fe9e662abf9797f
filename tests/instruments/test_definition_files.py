"""Definition files are checked when loaded; problems name the file, the field and why."""

from pathlib import Path

import pytest

from strides.instruments import InstrumentDefinitionError, load_file, validate_file
from tests.instruments.conftest import FIXTURES, SHIPPED

BROKEN = FIXTURES / "broken"


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_definition_is_valid(path):
    assert validate_file(path) == []


def test_validate_file_lists_every_type_problem_with_file_and_field():
    path = BROKEN / "many_problems.toml"

    assert validate_file(path) == [
        f"{path}: code: use lowercase letters, digits and _, starting with a letter",
        f"{path}: direction: Input should be 'lower' or 'higher'",
        f"{path}: items[1].text: required field is missing",
        f"{path}: items[1].txet: unknown field (check the spelling against docs/instruments.md)",
    ]


def test_validate_file_lists_every_problem_in_how_fields_fit_together():
    path = BROKEN / "inconsistent.toml"

    problems = [p.removeprefix(f"{path}: ") for p in validate_file(path)]

    assert problems == [
        "response_sets.vas: max - min must be a whole number of steps",
        "items: numbers must run 1, 2, 3 ... in order; found [1, 3]",
        "items[2].responses: unknown response set 'frequncy'; known sets: frequency, vas",
        "scoring.reverse.items: no such items [7]",
        "caseness.below: only for instruments where higher is better",
        "reliable_change: method = 'rci' needs both sd and reliability",
        "flags[1].code: 'risk' is reserved for a built-in flag",
        "flags[1].score: must be 'total', 'percentage' or a subscale code, not 'subtotal'",
        "bands: bands 'low' (to 0) and 'high' (from 2) leave a gap or overlap",
    ]


def test_validate_file_reports_toml_syntax_errors_with_the_line():
    path = BROKEN / "not_toml.toml"

    [problem] = validate_file(path)

    assert problem.startswith(f"{path}: not valid TOML: ")
    assert "line 2" in problem


def test_validate_file_reports_a_file_that_cannot_be_read(tmp_path):
    [problem] = validate_file(tmp_path / "absent.toml")

    assert problem.startswith(f"{tmp_path / 'absent.toml'}: cannot be read")


def test_load_file_raises_with_all_the_problems():
    with pytest.raises(InstrumentDefinitionError) as caught:
        load_file(BROKEN / "many_problems.toml")

    assert len(caught.value.problems) == 4
    assert "items[1].txet" in str(caught.value)


def write_variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (SHIPPED / name).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_bands_that_do_not_cover_the_whole_score_range_are_reported(tmp_path):
    path = write_variant(tmp_path, "phq9.toml", "max = 27", "max = 26")

    assert validate_file(path) == [
        f"{path}: bands: bands must cover the scores 0 to 27 exactly; they run from 0 to 26"
    ]


def test_a_reversal_rule_that_leaves_the_option_range_is_reported(tmp_path):
    path = write_variant(tmp_path, "core10.toml", "subtract_from = 4", "subtract_from = 5")

    assert validate_file(path) == [
        f"{path}: scoring.reverse.subtract_from: 5 - response does not map item 2's options "
        "onto themselves",
        f"{path}: scoring.reverse.subtract_from: 5 - response does not map item 3's options "
        "onto themselves",
    ]


def test_not_applicable_answer_without_a_scoring_policy_is_reported(tmp_path):
    path = write_variant(tmp_path, "wsas.toml", 'not_applicable = "prorate"\n', "")

    assert validate_file(path) == [
        f"{path}: scoring.not_applicable: an item offers 'not applicable', so say how it is "
        "scored ('prorate' or 'exclude')"
    ]


def test_proration_limit_must_leave_an_item_to_prorate_from(tmp_path):
    path = write_variant(tmp_path, "gad7.toml", "max_missing = 1", "max_missing = 7")

    assert validate_file(path) == [
        f"{path}: scoring.missing.max_missing: with prorate = true it must be at least 1 and "
        "below the number of items"
    ]


def test_item_count_flag_must_name_existing_subscales(tmp_path):
    path = write_variant(tmp_path, "pcl5.toml", "e = 2 }", "f = 2 }")

    assert validate_file(path) == [f"{path}: flags[2].minimum_per_subscale: no subscale 'f'"]
