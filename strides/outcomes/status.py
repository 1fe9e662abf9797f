"""The status a client's progress shows today.

The stored trajectory status, unless the last measure is older than the clinic's window
(`STRIDES_OVERDUE_DAYS`): then a reassuring status ("on track", "too early",
"recovered") would be stale, and the client shows "overdue" instead. "Not on track"
stays: it is still the latest thing known. This depends on today's date, so it is
worked out when a page is read, from the stored `last_assessed_on`, here and nowhere
else (the caseload and the client page both use it).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

OVERDUE = "overdue"
STALE_WHEN_OLD = ("on_track", "too_early", "recovered")


@dataclass(frozen=True)
class StatusNow:
    status: str
    explanation: str


def overdue_window() -> int:
    return int(settings.STRIDES_OVERDUE_DAYS)


def status_now(
    *, status: str, explanation: str, last_assessed_on: date | None, ended: bool, today: date
) -> StatusNow:
    """An active episode's status as shown today; an ended episode keeps its last one."""
    window = overdue_window()
    if ended or status not in STALE_WHEN_OLD or last_assessed_on is None:
        return StatusNow(status, explanation)
    days = (today - last_assessed_on).days
    if days <= window:
        return StatusNow(status, explanation)
    reason = _("Last measure %(days)s days ago; the clinic's window is %(window)s days.") % {
        "days": days,
        "window": window,
    }
    return StatusNow(OVERDUE, f"{reason} {explanation}".strip())


def status_filter(status: str, *, today: date, status_field: str, last_field: str) -> Q:
    """Rows whose status, as `status_now` shows it today, is `status`; the fields are
    the names under which a queryset carries the stored status and last-measure date."""
    old = Q(**{f"{last_field}__lt": today - timedelta(days=overdue_window())})
    if status == OVERDUE:
        return Q(**{f"{status_field}__in": STALE_WHEN_OLD}) & old
    if status in STALE_WHEN_OLD:
        recent = Q(**{f"{last_field}__isnull": True}) | ~old
        return Q(**{status_field: status}) & recent
    return Q(**{status_field: status})
