"""Instrument definitions (one TOML file per questionnaire) and their scoring.

Pure Python: imports nothing from Django or the rest of Strides. See docs/instruments.md.
"""

from strides.instruments.answers import NOT_APPLICABLE, InvalidAnswers
from strides.instruments.definition import Band, Instrument, Item, Option, Subscale
from strides.instruments.loader import (
    ENV_VAR,
    InstrumentDefinitionError,
    definition_problems,
    get_instrument,
    list_instruments,
    load_file,
    reload_instruments,
    validate_file,
)
from strides.instruments.scoring import ScoreResult, score

__all__ = [
    "ENV_VAR",
    "NOT_APPLICABLE",
    "Band",
    "Instrument",
    "InstrumentDefinitionError",
    "InvalidAnswers",
    "Item",
    "Option",
    "ScoreResult",
    "Subscale",
    "definition_problems",
    "get_instrument",
    "list_instruments",
    "load_file",
    "reload_instruments",
    "score",
    "validate_file",
]
