"""Looking instruments up, and adding a practice's own through STRIDES_INSTRUMENTS_DIR."""

import pytest

from strides.instruments import (
    InstrumentDefinitionError,
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


def test_broken_practice_file_stops_loading_with_its_problems(practice_dir):
    (practice_dir / "broken.toml").write_text('code = "broken"\n', encoding="utf-8")

    with pytest.raises(InstrumentDefinitionError) as caught:
        reload_instruments()

    assert any("broken.toml: name: required field is missing" in p for p in caught.value.problems)


def test_two_practice_files_with_one_code_are_refused(practice_dir):
    fixture = (FIXTURES / "practice" / "ors_like.toml").read_bytes()
    (practice_dir / "a.toml").write_bytes(fixture)
    (practice_dir / "b.toml").write_bytes(fixture)

    with pytest.raises(InstrumentDefinitionError, match="'ors_like' is already defined in"):
        reload_instruments()


def test_missing_practice_directory_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("STRIDES_INSTRUMENTS_DIR", str(tmp_path / "nowhere"))

    with pytest.raises(InstrumentDefinitionError, match="instrument directory does not exist"):
        reload_instruments()
