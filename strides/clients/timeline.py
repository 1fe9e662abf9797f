"""A client's story in one list: appointments, assessments, goal ratings, milestones,
alerts and session notes, newest first, of the episodes the actor may read
(`client_episodes` after `client_for_actor` allowed the client)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.alerts.models import Alert, AlertStatus
from strides.assessments.models import Assessment
from strides.clients.models import Appointment, Episode
from strides.goals.models import GoalRating
from strides.goals.selectors import goal_labels, goal_milestone_words
from strides.instruments import get_instrument
from strides.milestones.models import Milestone
from strides.outcomes.rules import short_name

TIMELINE_LIMIT = 300


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    kind: str  # appointment, assessment, goal_rating, milestone, alert, alert_closed, note
    title: str
    link: str = ""


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def client_timeline(*, episodes: QuerySet[Episode]) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    appointments = Appointment.objects.filter(episode__in=episodes).select_related("note")
    for appointment in appointments:
        entries.append(
            TimelineEntry(
                _day(appointment.at),
                "appointment",
                f"{appointment.get_kind_display()}: {appointment.get_status_display()}",
                reverse("note_edit", args=[appointment.pk]),
            )
        )
        if hasattr(appointment, "note"):
            entries.append(
                TimelineEntry(
                    _day(appointment.note.updated_at),
                    "note",
                    _("Session note written"),
                    reverse("note_edit", args=[appointment.pk]),
                )
            )
    for assessment in Assessment.objects.filter(episode__in=episodes, is_current=True):
        name = short_name(get_instrument(assessment.instrument_code))
        total = "—" if assessment.total is None else f"{assessment.total:g}"
        risk = _(" · risk item endorsed") if assessment.has_risk else ""
        entries.append(
            TimelineEntry(
                assessment.taken_on,
                "assessment",
                f"{name} {total}{risk}",
                reverse("assessment_detail", args=[assessment.pk]),
            )
        )
    labels = goal_labels(episodes=episodes)
    for rating in GoalRating.objects.filter(goal__episode__in=episodes):
        entries.append(
            TimelineEntry(
                rating.rated_on,
                "goal_rating",
                # Numbered as on the goals list, in the client's own words.
                _("Goal %(n)s “%(text)s” rated %(rating)s/10")
                % {
                    "n": labels[rating.goal_id].number,
                    "text": labels[rating.goal_id].text,
                    "rating": f"{float(rating.rating):g}",
                },
            )
        )
    for milestone in Milestone.objects.filter(episode__in=episodes):
        title = goal_milestone_words(milestone, labels)
        entries.append(TimelineEntry(milestone.occurred_on, "milestone", title))
    for alert in Alert.objects.filter(episode__in=episodes):
        entries.append(TimelineEntry(alert.occurred_on, "alert", alert.summary))
        if alert.status == AlertStatus.CLOSED and alert.closed_on is not None:
            entries.append(
                TimelineEntry(
                    alert.closed_on,
                    "alert_closed",
                    _("%(kind)s alert closed by itself: %(reason)s")
                    % {"kind": alert.get_kind_display(), "reason": alert.close_reason},
                )
            )
    entries.sort(key=lambda entry: entry.day, reverse=True)
    return entries[:TIMELINE_LIMIT]
