"""Read definition files, report every problem in them, and keep the loaded registry.

Shipped definitions live in `definitions/`. A practice adds its own by putting `.toml`
files in the directory named by the environment variable STRIDES_INSTRUMENTS_DIR, read
when the registry loads; a practice file whose code matches a shipped one replaces it
(for example a PHQ-9 with proration switched off).

A broken shipped file is a bug in Strides and stops loading. A broken practice file
must not take the application down: it is skipped, every other instrument keeps
working, and its problems are kept (`definition_problems()`) for the start-up check
and log to report.
"""

import os
import threading
import tomllib
from pathlib import Path

from pydantic import ValidationError

from strides.instruments.builder import build_instrument
from strides.instruments.checks import find_problems
from strides.instruments.definition import Instrument
from strides.instruments.schema import InstrumentSpec

ENV_VAR = "STRIDES_INSTRUMENTS_DIR"
SHIPPED_DIR = Path(__file__).with_name("definitions")

_PLAIN_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (check the spelling against docs/instruments.md)",
    "string_pattern_mismatch": "use lowercase letters, digits and _, starting with a letter",
}


class InstrumentDefinitionError(ValueError):
    """A definition file that cannot be used; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(problems))


def _field_name(location: tuple[int | str, ...]) -> str:
    name = ""
    for part in location:
        if isinstance(part, int):
            name += f"[{part + 1}]"
        elif part not in ("threshold", "item_counts"):  # pydantic's union tags
            name += f".{part}" if name else part
    return name or "(file)"


def _read(path: Path) -> tuple[InstrumentSpec | None, list[str]]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        return None, [f"{path}: cannot be read: {error.strerror or error}"]
    except tomllib.TOMLDecodeError as error:
        return None, [f"{path}: not valid TOML: {error}"]
    try:
        spec = InstrumentSpec.model_validate(data)
    except ValidationError as error:
        return None, [
            f"{path}: {_field_name(e['loc'])}: {_PLAIN_MESSAGES.get(e['type'], e['msg'])}"
            for e in error.errors()
        ]
    return spec, [f"{path}: {problem}" for problem in find_problems(spec)]


def validate_file(path: str | Path) -> list[str]:
    """Every problem in the definition file at `path`, in plain words; empty when valid."""
    return _read(Path(path))[1]


def load_file(path: str | Path) -> Instrument:
    spec, problems = _read(Path(path))
    if spec is None or problems:
        raise InstrumentDefinitionError(problems)
    return build_instrument(spec, Path(path))


def load_directory(directory: Path) -> tuple[dict[str, Instrument], list[str]]:
    """The valid definitions in `directory`, by code, and the problems of the files that
    were skipped: broken ones, and a later file (by name) repeating an earlier one's code."""
    if not directory.is_dir():
        return {}, [f"{directory}: instrument directory does not exist"]
    instruments: dict[str, Instrument] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            instrument = load_file(path)
        except InstrumentDefinitionError as error:
            problems += error.problems
            continue
        if instrument.code in instruments:
            other = instruments[instrument.code].path
            problems.append(f"{path}: code: {instrument.code!r} is already defined in {other}")
            continue
        instruments[instrument.code] = instrument
    return instruments, problems


class _Registry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._instruments: dict[str, Instrument] | None = None
        self._problems: tuple[str, ...] = ()

    def instruments(self) -> dict[str, Instrument]:
        with self._lock:
            if self._instruments is None:
                self._instruments, self._problems = self._load()
            return self._instruments

    def problems(self) -> tuple[str, ...]:
        self.instruments()
        return self._problems

    def clear(self) -> None:
        with self._lock:
            self._instruments = None
            self._problems = ()

    @staticmethod
    def _load() -> tuple[dict[str, Instrument], tuple[str, ...]]:
        instruments, problems = load_directory(SHIPPED_DIR)
        if problems:
            raise InstrumentDefinitionError(problems)
        practice_dir = os.environ.get(ENV_VAR)
        skipped: list[str] = []
        if practice_dir:
            practice, skipped = load_directory(Path(practice_dir))
            instruments |= practice
        return dict(sorted(instruments.items())), tuple(skipped)


_registry = _Registry()


def reload_instruments() -> tuple[str, ...]:
    """Forget the loaded definitions and read them again (after STRIDES_INSTRUMENTS_DIR
    or a file changed). Returns the problems of the practice files that were skipped;
    raises InstrumentDefinitionError if a shipped file is broken."""
    _registry.clear()
    return _registry.problems()


def definition_problems() -> tuple[str, ...]:
    """Problems of the practice definition files skipped at the last load, each naming
    the file and what is wrong; empty when every file loaded."""
    return _registry.problems()


def get_instrument(code: str) -> Instrument:
    instruments = _registry.instruments()
    try:
        return instruments[code]
    except KeyError:
        known = ", ".join(instruments)
        raise KeyError(f"unknown instrument {code!r}; known codes: {known}") from None


def list_instruments() -> list[Instrument]:
    """Every loaded instrument, ordered by code."""
    return list(_registry.instruments().values())
