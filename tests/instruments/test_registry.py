"""Looking instruments up, and adding a practice's own through STRIDES_INSTRUMENTS_DIR."""

import pytest

from strides.instruments import (
    definition_problems,
    get_instrument,
    list_instruments,
    reload_instruments,
)
from tests.instruments.conftest import FIXTURES, SHIPPED

SHIPPED_CODES = ["core10", "gad7", "k10", "pcl5", "phq9", "proqol5", "who5", "wsas"]


def test_shipped_instruments_are_listed_by_code():
    assert [instrument.code for instrument in list_instruments()] == SHIPPED_CODES


def test_unknown_code_raises_key_error_listing_the_known_codes():
    with pytest.raises(KeyError) as caught:
        get_instrument("phq8")

    message = str(caught.value)
    assert "unknown instrument 'phq8'" in message
    assert "known codes: " + ", ".join(SHIPPED_CODES) in message


def test_practice_instrument_is_added_from_the_directory_in_the_environment(practice_dir):
    (practice_dir / "ors_like.toml").write_bytes(
        (FIXTURES / "practice" / "ors_like.toml").read_bytes()
    )
    reload_instruments()

    assert get_instrument("ors_like").name == "Four-area check (test fixture)"
    assert len(list_instruments()) == len(SHIPPED_CODES) + 1


def test_directory_is_read_at_load_time_not_at_import(monkeypatch, practice_dir):
    with pytest.raises(KeyError):
        get_instrument("ors_like")

    monkeypatch.setenv("STRIDES_INSTRUMENTS_DIR", str(FIXTURES / "practice"))
    reload_instruments()

    assert get_instrument("ors_like").code == "ors_like"


def test_practice_file_with_a_shipped_code_replaces_the_shipped_definition(practice_dir):
    text = (SHIPPED / "gad7.toml").read_text(encoding="utf-8")
    (practice_dir / "my-gad7.toml").write_text(
        text.replace('version = "1"', 'version = "practice-2"'), encoding="utf-8"
    )
    reload_instruments()

    assert get_instrument("gad7").version == "practice-2"
    assert get_instrument("gad7").path == practice_dir / "my-gad7.toml"


def test_broken_practice_file_is_skipped_with_its_problems_and_the_rest_loads(practice_dir):
    (practice_dir / "broken.toml").write_text('code = "broken"\n', encoding="utf-8")
    (practice_dir / "ors_like.toml").write_bytes(
        (FIXTURES / "practice" / "ors_like.toml").read_bytes()
    )

    problems = reload_instruments()

    assert any("broken.toml: name: required field is missing" in p for p in problems)
    assert definition_problems() == problems
    assert [i.code for i in list_instruments()] == sorted([*SHIPPED_CODES, "ors_like"])
    with pytest.raises(KeyError):
        get_instrument("broken")


def test_broken_practice_copy_of_a_shipped_instrument_leaves_the_shipped_one(practice_dir):
    text = (SHIPPED / "phq9.toml").read_text(encoding="utf-8")
    (practice_dir / "phq9.toml").write_text(text.replace("max_missing = 2", "max_missing = 9"))

    problems = reload_instruments()

    assert any("phq9.toml: scoring.missing.max_missing" in p for p in problems)
    assert get_instrument("phq9").path == SHIPPED / "phq9.toml"


def test_second_practice_file_with_one_code_is_skipped(practice_dir):
    fixture = (FIXTURES / "practice" / "ors_like.toml").read_bytes()
    (practice_dir / "a.toml").write_bytes(fixture)
    (practice_dir / "b.toml").write_bytes(fixture)

    problems = reload_instruments()

    assert len(problems) == 1
    assert "b.toml: code: 'ors_like' is already defined in" in problems[0]
    assert get_instrument("ors_like").path == practice_dir / "a.toml"


def test_missing_practice_directory_is_reported_and_shipped_instruments_load(monkeypatch, tmp_path):
    monkeypatch.setenv("STRIDES_INSTRUMENTS_DIR", str(tmp_path / "nowhere"))

    problems = reload_instruments()

    assert problems == (f"{tmp_path / 'nowhere'}: instrument directory does not exist",)
    assert [i.code for i in list_instruments()] == SHIPPED_CODES


def test_shipped_files_load_with_no_problems():
    assert reload_instruments() == ()
    assert definition_problems() == ()
