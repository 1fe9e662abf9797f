"""Start-up report of practice instrument definition files that could not be used.

A broken file in STRIDES_INSTRUMENTS_DIR is skipped so that every other instrument keeps
working; `strides check` and the start-up log name the file and the problem.
"""

import logging
from typing import Any

from django.core.checks import CheckMessage, Warning, register

from strides.instruments import ENV_VAR, definition_problems

logger = logging.getLogger("strides.instruments")

HINT = (
    "This file was skipped; every other instrument works. Fix it (check it with "
    "`strides instruments validate FILE`) and restart Strides."
)


@register()
def practice_instrument_files(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Warning(f"{ENV_VAR}: {problem}", hint=HINT, id="strides.W001")
        for problem in definition_problems()
    ]


def log_skipped_definition_files() -> None:
    for problem in definition_problems():
        logger.warning("Instrument definition skipped: %s. %s", problem, HINT)
