"""Showing numbers the way the instrument manuals print them."""

import re
from datetime import date, datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from strides.goals.selectors import GoalLabel, goal_milestone_words
from strides.milestones.models import Milestone
from strides.outcomes.plan import band_words

register = template.Library()


@register.filter
def score(value: float | int | None) -> str:
    """A total as printed: whole numbers without decimals, others with one decimal."""
    if value is None:
        return "—"
    number = float(value)
    return f"{number:.0f}" if number.is_integer() else f"{number:.1f}"


@register.filter
def signed(value: float | int | None) -> str:
    """A change with its sign: +3, \u22122.5 (a true minus sign), 0."""
    if value is None:
        return "—"
    text = score(abs(value))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"\u2212{text}"
    return "0"


@register.filter
def band_label(instrument: object, code: str) -> str:
    """The printed label of a band code, e.g. "moderately_severe" -> "Moderately severe"."""
    try:
        return str(instrument.band_label(code))  # type: ignore[attr-defined]
    except KeyError:
        return code


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


STATUS_LABELS = {
    "on_track": _("On track"),
    "not_on_track": _("Not on track"),
    "too_early": _("Too early to tell"),
    "recovered": _("Recovered"),
    "overdue": _("Overdue"),
}


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def humanize_code(code: str) -> str:
    """A band or category code in words: "moderately_severe" -> "moderately severe"."""
    return code.replace("_", " ")


@register.filter
def day(value: date | datetime | None) -> str:
    """A date in the user's locale format (dd/mm/yyyy en-GB, yyyy-mm-dd otherwise)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def day_time(value: datetime | None) -> str:
    """A date and time in the user's locale format, in the clinic's time zone."""
    if value is None:
        return ""
    shown = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(shown, "SHORT_DATETIME_FORMAT")


@register.filter
def band_level(instrument_code: str, band_code: str) -> int | str:
    """The colour level of an instrument's band (strides.lib.severity), "" if unknown."""
    words = band_words(instrument_code, band_code)
    return "" if words is None else words.level


@register.filter
def milestone_words(milestone: Milestone, labels: dict[int, GoalLabel] | None) -> str:
    """A milestone's summary, a goal milestone's in the client's words (goal_labels)."""
    return goal_milestone_words(milestone, labels if isinstance(labels, dict) else {})


ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@register.filter
def dates_in_locale(text: str) -> str:
    """Stored sentences (alert summaries, closing reasons) say dates as yyyy-mm-dd; show
    each in the page's date format, so a banner reads dates like the page around it."""

    def local(match: re.Match[str]) -> str:
        try:
            return day(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]

    return ISO_DAY.sub(local, str(text))
