"""Which dates a person may enter: one rule per kind of date, used by the forms (a field
error saying what is allowed) and by the services that save them (a ValidationError, so
no script can store a PHQ-9 dated 1800).

Every day is the clinic's local day (`timezone.localdate()`, STRIDES_TIME_ZONE):
- an assessment, goal rating, hand-recorded milestone, attended appointment or one the
  client did not attend: from the episode's start to today;
- a scheduled or cancelled appointment: from the episode's start, any day ahead;
- an episode's start: from 1900 (or the client's date of birth) to today, and not after
  its end or its first recorded assessment, goal rating or appointment;
- an episode's end: from its start to today;
- a date of birth: from 1900 to today, and not after the start of any of the client's
  episodes.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from strides.assessments.models import Assessment
from strides.clients.models import AppointmentStatus, Client, Episode
from strides.goals.models import GoalRating

EARLIEST = date(1900, 1, 1)
# An attended appointment, or one the client missed, has happened: it cannot be ahead.
HAPPENED = frozenset({AppointmentStatus.ATTENDED, AppointmentStatus.DID_NOT_ATTEND})


@dataclass(frozen=True, slots=True)
class Bound:
    """One end of an allowed range and what that day is ("the episode's start")."""

    day: date
    what: str = ""
    is_today: bool = False

    def describe(self) -> str:
        if self.is_today:
            return _("today")
        shown = formats.date_format(self.day, "j F Y")
        return f"{shown} ({self.what})" if self.what else shown


@dataclass(frozen=True, slots=True)
class DateRule:
    """The days allowed for one date: from `earliest` to `latest` (None: any day ahead)."""

    earliest: Bound
    latest: Bound | None

    def explain(self) -> str:
        if self.latest is None:
            return _("The date must be on or after %(earliest)s.") % {
                "earliest": self.earliest.describe()
            }
        return _("The date must be between %(earliest)s and %(latest)s.") % {
            "earliest": self.earliest.describe(),
            "latest": self.latest.describe(),
        }

    def allows(self, day: date) -> bool:
        if day < self.earliest.day:
            return False
        return self.latest is None or day <= self.latest.day

    def check(self, day: date) -> None:
        if not self.allows(day):
            raise ValidationError(self.explain(), code="date_out_of_range")

    def input_limits(self, *, with_time: bool = False) -> dict[str, str]:
        """The `min`/`max` attributes of a date (or datetime-local) input, so a date
        picker offers only these days."""
        first, last = ("T00:00", "T23:59") if with_time else ("", "")
        limits = {"min": self.earliest.day.isoformat() + first}
        if self.latest is not None:
            limits["max"] = self.latest.day.isoformat() + last
        return limits


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def today() -> Bound:
    return Bound(timezone.localdate(), is_today=True)


def _latest(*bounds: Bound | None) -> Bound:
    present = [bound for bound in bounds if bound is not None]
    return min(present, key=lambda bound: (bound.day, not bound.is_today))


def _earliest(*bounds: Bound | None) -> Bound:
    present = [bound for bound in bounds if bound is not None]
    return max(present, key=lambda bound: bound.day)


def _episode_start(episode: Episode) -> Bound:
    return _earliest(Bound(EARLIEST), Bound(episode.start, _("the episode's start")))


def entry_rule(episode: Episode) -> DateRule:
    """An assessment, goal rating, milestone or appointment that has happened."""
    return DateRule(_episode_start(episode), today())


def appointment_rule(episode: Episode, status: str) -> DateRule:
    """A scheduled (or cancelled) appointment may lie ahead; one that happened may not."""
    if status in HAPPENED:
        return entry_rule(episode)
    return DateRule(_episode_start(episode), None)


def first_entry_day(episode: Episode) -> date | None:
    """The day of the episode's first recorded assessment, goal rating or appointment."""
    days = [
        Assessment.objects.filter(episode=episode).aggregate(day=Min("taken_on"))["day"],
        GoalRating.objects.filter(goal__episode=episode).aggregate(day=Min("rated_on"))["day"],
    ]
    first_at = episode.appointments.aggregate(at=Min("at"))["at"]
    if first_at is not None:
        days.append(local_day(first_at))
    present = [day for day in days if day is not None]
    return min(present) if present else None


def new_episode_start_rule(date_of_birth: date | None) -> DateRule:
    """A new episode starts between 1900 (or the client's birth) and today."""
    return _start_rule(date_of_birth=date_of_birth)


def episode_start_rule(episode: Episode) -> DateRule:
    """An episode's start, edited: also not after its end or what is recorded in it."""
    return _start_rule(
        date_of_birth=episode.client.date_of_birth,
        end=episode.end,
        first_entry=first_entry_day(episode),
    )


def _start_rule(
    *, date_of_birth: date | None, end: date | None = None, first_entry: date | None = None
) -> DateRule:
    earliest = _earliest(
        Bound(EARLIEST),
        Bound(date_of_birth, _("the client's date of birth")) if date_of_birth else None,
    )
    latest = _latest(
        today(),
        Bound(end, _("the episode's end")) if end else None,
        Bound(first_entry, _("the first thing recorded in it")) if first_entry else None,
    )
    return DateRule(earliest, latest)


def episode_end_rule(episode: Episode) -> DateRule:
    return DateRule(_episode_start(episode), today())


def client_birth_date_rule(client: Client) -> DateRule:
    """A client's date of birth: not after the start of any of their episodes."""
    first = client.episodes.order_by("start").values_list("start", flat=True).first()
    return birth_date_rule(first)


def birth_date_rule(first_episode_start: date | None) -> DateRule:
    latest = _latest(
        today(),
        Bound(first_episode_start, _("the start of the client's first episode"))
        if first_episode_start
        else None,
    )
    return DateRule(Bound(EARLIEST), latest)


class DateRulesForm(forms.Form):
    """A form whose date fields are checked against rules: a field error saying which
    days are allowed. Set a field's rule in `__init__`, or in `clean` before calling
    `super().clean()` when it depends on another field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.date_rules: dict[str, tuple[DateRule, bool]] = {}

    def set_date_rule(self, name: str, rule: DateRule, *, only_if_changed: bool = False) -> None:
        """`only_if_changed`: a stored date the person left as it was is not checked again,
        so an old record stays editable."""
        self.date_rules[name] = (rule, only_if_changed)
        field = self.fields[name]
        with_time = isinstance(field, forms.DateTimeField)
        field.widget.attrs.update(rule.input_limits(with_time=with_time))

    def clean(self) -> dict[str, Any]:
        super().clean()
        for name, (rule, only_if_changed) in self.date_rules.items():
            value = self.cleaned_data.get(name)
            if value is None or (only_if_changed and name not in self.changed_data):
                continue
            day = local_day(value) if isinstance(value, datetime) else value
            if not rule.allows(day):
                self.add_error(name, rule.explain())
        return self.cleaned_data
