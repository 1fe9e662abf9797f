"""Every test starts from the shipped definitions only; `practice_dir` adds a practice's."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from strides.instruments import ENV_VAR, reload_instruments

FIXTURES = Path(__file__).with_name("fixtures")
SHIPPED = Path(__file__).parents[2] / "strides" / "instruments" / "definitions"


@pytest.fixture(autouse=True)
def shipped_instruments_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(ENV_VAR, raising=False)
    reload_instruments()
    yield
    monkeypatch.delenv(ENV_VAR, raising=False)
    reload_instruments()


@pytest.fixture
def practice_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty practice instrument directory named by STRIDES_INSTRUMENTS_DIR."""
    directory = tmp_path / "practice-instruments"
    directory.mkdir()
    monkeypatch.setenv(ENV_VAR, str(directory))
    return directory
