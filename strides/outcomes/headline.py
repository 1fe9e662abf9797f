"""The top of a client's page in plain words: the status, the key change, a short reason.

Built from the stored progress summary (no query). The numbers behind it (trend per
session, the expected score and its band) stay in the page's "how this is worked out"
detail; the headline is short.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from strides.outcomes.plan import DEPRESSION_MEASURE
from strides.outcomes.selectors import EpisodeOutcome
from strides.progress.wording import format_score, key_change


@dataclass(frozen=True)
class Headline:
    status: str  # a status code ("" without one)
    sentence: str  # short, in words
    key_changes: list[str]  # "PHQ-9 17 → 7: reliable recovery", the main measure first


def measure_order(codes: list[str], main: str) -> list[str]:
    """PHQ-9 first where present, then the episode's main measure, then the rest."""
    first = [code for code in (DEPRESSION_MEASURE, main) if code in codes]
    return list(dict.fromkeys(first + codes))


def _short_sentence(status: str, name: str, explanation: str) -> str:
    sentences = {
        "on_track": _("%(name)s is moving as expected.") % {"name": name},
        "not_on_track": _("%(name)s is worse than the expected range: worth a conversation.")
        % {"name": name},
        "recovered": _("%(name)s is on the healthy side of the cut-off and reliably improved.")
        % {"name": name},
        "too_early": _("A few more %(name)s scores are needed before a trend means much.")
        % {"name": name},
    }
    if status == "overdue":
        # status_now's reason comes first: "Last measure 41 days ago; the window is 35 days."
        return explanation.split(". ")[0].rstrip(".") + "."
    return sentences.get(status, explanation.split(". ")[0] if explanation else "")


def headline(outcome: EpisodeOutcome) -> Headline | None:
    progress = outcome.progress
    if progress is None or not outcome.measures:
        return None
    measures: dict[str, dict[str, Any]] = progress.measures
    ordered = measure_order(list(measures), progress.main_instrument)
    changes = [
        key_change(
            name=measures[code]["name"],
            first=measures[code]["first"],
            latest=measures[code]["latest"],
            count=measures[code]["count"],
            category=measures[code].get("category"),
            direction=measures[code].get("direction"),
        )
        for code in ordered
    ]
    status = outcome.status.status if outcome.status else ""
    explanation = outcome.status.explanation if outcome.status else ""
    main_name = measures.get(progress.main_instrument, {}).get("name", "")
    return Headline(
        status=status,
        sentence=_short_sentence(status, main_name, explanation),
        key_changes=changes,
    )


def short_reason(
    *, status: str, summary: dict[str, Any] | None, lower_is_better: bool, explanation: str
) -> str:
    """The reason behind a caseload row's status in one short line, e.g. "PHQ-9 24 is
    worse than the expected range (up to 21.1)"; the full sentence is on the client page."""
    if status == "overdue" or summary is None:
        return explanation.split("; ")[0].split(". ")[0].rstrip(".") + "." if explanation else ""
    name, latest = summary["name"], format_score(summary["latest"])
    expected, band = summary.get("expected"), summary.get("band")
    lower = lower_is_better
    if status == "recovered":
        return key_change(
            name=name,
            first=summary["first"],
            latest=summary["latest"],
            count=summary["count"],
            category=summary.get("category"),
            direction=summary.get("direction"),
        )
    if status in ("on_track", "not_on_track") and expected is not None and band is not None:
        edge = expected + band if lower else expected - band
        bound = _("up to %(n)s") if lower else _("at least %(n)s")
        words = {
            "on_track": _("%(name)s %(score)s is within the expected range (%(bound)s)."),
            "not_on_track": _("%(name)s %(score)s is worse than the expected range (%(bound)s)."),
        }[status]
        return words % {"name": name, "score": latest, "bound": bound % {"n": format_score(edge)}}
    if status == "too_early":
        return _("%(name)s %(score)s; a trend needs a few more sessions.") % {
            "name": name,
            "score": latest,
        }
    return explanation.split(". ")[0].rstrip(".") + "." if explanation else ""
