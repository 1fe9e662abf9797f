"""The periods a therapist, a supervisor or the clinic looks back over."""

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PERIOD_KEYS = ("month", "year", "all")
PERIOD_LABELS: dict[str, Promise] = {
    "month": _("This month"),
    "year": _("This year"),
    "all": _("All time"),
}


@dataclass(frozen=True)
class Period:
    """Closed range of days; `start` None means from the beginning."""

    key: str
    start: date | None
    end: date

    @property
    def label(self) -> str:
        return str(PERIOD_LABELS[self.key])

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and day <= self.end


def period_for(key: str | None, *, today: date) -> Period:
    """The named period ending today; an unknown or missing key means this year."""
    if key == "month":
        return Period("month", today.replace(day=1), today)
    if key == "all":
        return Period("all", None, today)
    return Period("year", today.replace(month=1, day=1), today)
