"""Reads of the therapist's own side: their impact, moments, check-ins and reminder.

Everything is read for the signed-in therapist only (`require_own_side`), from their own
episodes (never the earlier episodes of another therapist's clients they can read), and
every figure comes from what the progress engine stored: milestones it detected, the
episodes' progress summaries, attended appointments. Small numbers are shown as counts,
never as percentages.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.audit.models import Outcome
from strides.audit.services import audit_record
from strides.clients.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    EndReason,
    Episode,
)
from strides.clinic_outcomes.periods import Period
from strides.goals.models import Goal
from strides.instruments import get_instrument
from strides.lib.charts import ChartPoint, ScoreChart, SeverityBand
from strides.lib.svg import render_svg
from strides.milestones.models import Milestone, MilestoneKind
from strides.progress.talking_therapies import MIN_ATTENDED_FOR_COURSE
from strides.wellbeing.models import CheckIn, CheckInSchedule, Moment
from strides.wellbeing.services import OWN_PAGE, PROQOL, record_own_use, require_own_side

IMPACT_KINDS = ("clients", "courses", "improvements", "recoveries", "goals", "celebrated")
MILESTONE_KINDS: dict[str, tuple[str, ...]] = {
    "improvements": (MilestoneKind.FIRST_RELIABLE_IMPROVEMENT,),
    "recoveries": (MilestoneKind.RELIABLE_RECOVERY,),
    "goals": (MilestoneKind.GOAL_IMPROVED, MilestoneKind.GOAL_HIGH),
}
HIGH = "high"
CONCERN_SUBSCALES = ("bo", "sts")  # high burnout or secondary traumatic stress


def impact_titles() -> dict[str, str]:
    return {
        "clients": _("Clients you saw"),
        "courses": _("Courses finished"),
        "improvements": _("Courses with a reliable improvement"),
        "recoveries": _("Reliable recoveries"),
        "goals": _("Goals that moved"),
        "celebrated": _("Milestones celebrated"),
    }


def own_side(actor: User) -> None:
    """The gate of every page on the therapist's own side: 404 (with a denied audit
    event) for anyone else, and one audit event that says only that the therapist used
    their own page."""
    try:
        require_own_side(actor)
    except Http404:
        audit_record(actor=actor, action=OWN_PAGE, outcome=Outcome.DENIED)
        raise
    record_own_use(actor)


@dataclass(frozen=True)
class Story:
    client_id: int
    client_name: str
    when: date
    title: str
    summary: str
    evidence: list[tuple[str, str]] = field(default_factory=list)
    goal_words: str = ""
    moments: list[Moment] = field(default_factory=list)
    milestone_id: int | None = None


@dataclass(frozen=True)
class Figure:
    kind: str
    title: str
    count: int


@dataclass(frozen=True)
class Impact:
    period: Period
    figures: list[Figure]
    moments: list[Moment]


def _in_period(queryset: QuerySet[Any], field_name: str, period: Period) -> QuerySet[Any]:
    queryset = queryset.filter(**{f"{field_name}__lte": period.end})
    if period.start is not None:
        queryset = queryset.filter(**{f"{field_name}__gte": period.start})
    return queryset


def _appointments(actor: User, period: Period) -> QuerySet[Appointment]:
    return _in_period(
        Appointment.objects.filter(episode__therapist=actor, status=AppointmentStatus.ATTENDED),
        "at__date",
        period,
    )


def _finished_courses(actor: User, period: Period) -> QuerySet[Episode]:
    treatment = Q(
        appointments__status=AppointmentStatus.ATTENDED,
        appointments__kind=AppointmentKind.TREATMENT,
    )
    return (
        _in_period(Episode.objects.filter(therapist=actor, end__isnull=False), "end", period)
        .annotate(sessions=Count("appointments", filter=treatment))
        .filter(sessions__gte=MIN_ATTENDED_FOR_COURSE)
    )


def _milestones(actor: User, period: Period, kind: str) -> QuerySet[Milestone]:
    own = Milestone.objects.filter(episode__therapist=actor).select_related("episode__client")
    if kind == "celebrated":
        return _in_period(own.exclude(celebrated_at=None), "celebrated_at__date", period)
    return _in_period(own.filter(kind__in=MILESTONE_KINDS[kind]), "occurred_on", period)


def _moments(actor: User, period: Period) -> QuerySet[Moment]:
    return _in_period(
        Moment.objects.filter(therapist=actor).select_related("milestone"), "written_on", period
    )


def _distinct(milestones: QuerySet[Milestone], field_name: str) -> int:
    return milestones.order_by().values(field_name).distinct().count()


def impact(*, actor: User, period: Period) -> Impact:
    own_side(actor)
    counts = {
        "clients": _appointments(actor, period).values("episode__client_id").distinct().count(),
        "courses": _finished_courses(actor, period).count(),
        # One course counts once however many measures improved in it; a goal counts
        # once whether it was rated high, reliably improved or both.
        "improvements": _distinct(_milestones(actor, period, "improvements"), "episode_id"),
        "recoveries": _distinct(_milestones(actor, period, "recoveries"), "episode_id"),
        "goals": _distinct(_milestones(actor, period, "goals"), "source_id"),
        "celebrated": _milestones(actor, period, "celebrated").count(),
    }
    titles = impact_titles()
    return Impact(
        period=period,
        figures=[Figure(kind, titles[kind], counts[kind]) for kind in IMPACT_KINDS],
        moments=list(_moments(actor, period)),
    )


EVIDENCE_WORDS = {
    "instrument": "Measure",
    "score": "Score",
    "intake": "At intake",
    "cutoff": "Cut-off",
    "rating": "Rating",
    "first_rating": "First rating",
    "change": "Change",
    "high": "High rating from",
    "attended_sessions": "Sessions attended",
}


def _evidence(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (_(EVIDENCE_WORDS[key]), str(value))
        for key, value in evidence.items()
        if key in EVIDENCE_WORDS and value not in ("", None)
    ]


def _milestone_stories(actor: User, milestones: Iterable[Milestone]) -> list[Story]:
    rows = list(milestones)
    goal_ids = [m.source_id for m in rows if m.kind.startswith("goal") and m.source_id]
    goals = {
        goal.pk: goal for goal in Goal.objects.filter(pk__in=goal_ids, episode__therapist=actor)
    }
    moments: dict[int, list[Moment]] = {}
    for moment in Moment.objects.filter(therapist=actor, milestone__in=[m.pk for m in rows]):
        if moment.milestone_id is not None:
            moments.setdefault(moment.milestone_id, []).append(moment)
    return [
        Story(
            client_id=m.episode.client_id,
            client_name=m.episode.client.display_name,
            when=m.occurred_on,
            title=m.get_kind_display(),
            summary=m.summary,
            evidence=_evidence(m.evidence),
            goal_words=goals[m.source_id].text
            if m.kind.startswith("goal") and m.source_id in goals
            else "",
            moments=moments.get(m.pk, []),
            milestone_id=m.pk,
        )
        for m in rows
    ]


def stories(*, actor: User, period: Period, kind: str) -> list[Story]:
    """The stories behind one impact figure."""
    own_side(actor)
    if kind not in IMPACT_KINDS:
        raise Http404("No such figure.")
    if kind in MILESTONE_KINDS or kind == "celebrated":
        return _milestone_stories(actor, _milestones(actor, period, kind))
    if kind == "courses":
        reasons = dict(EndReason.choices)
        episodes = _finished_courses(actor, period).select_related("client", "progress")
        found = []
        for episode in episodes.order_by("-end"):
            progress = getattr(episode, "progress", None)
            outcome = (progress.talking_therapies or {}) if progress else {}
            words = [str(reasons.get(episode.end_reason, _("Ended")))]
            if outcome.get("reliable_recovery"):
                words.append(_("reliable recovery"))
            elif outcome.get("reliable_improvement"):
                words.append(_("reliable improvement"))
            found.append(
                Story(
                    client_id=episode.client_id,
                    client_name=episode.client.display_name,
                    when=episode.end or episode.start,
                    title=_("Course finished"),
                    summary=_("%(sessions)s treatment sessions; %(words)s.")
                    % {"sessions": episode.sessions, "words": ", ".join(words)},  # type: ignore[attr-defined]
                )
            )
        return found
    seen: dict[int, Story] = {}
    for appointment in (
        _appointments(actor, period).select_related("episode__client").order_by("-at")
    ):
        client = appointment.episode.client
        if client.pk not in seen:
            seen[client.pk] = Story(
                client_id=client.pk,
                client_name=client.display_name,
                when=appointment.at.date(),
                title=_("Last seen"),
                summary="",
            )
    return sorted(seen.values(), key=lambda story: story.client_name.lower())


@dataclass(frozen=True)
class YearInReview:
    year: int
    impact: Impact
    highlights: list[Story]


def year_in_review(*, actor: User, year: int) -> YearInReview:
    today = timezone.localdate()
    period = Period("year", date(year, 1, 1), min(date(year, 12, 31), today))
    found = impact(actor=actor, period=period)
    highlights = _milestone_stories(
        actor,
        _in_period(
            Milestone.objects.filter(
                episode__therapist=actor,
                kind__in=[k for kinds in MILESTONE_KINDS.values() for k in kinds]
                + [MilestoneKind.ENDING_WELL, MilestoneKind.MANUAL],
            ).select_related("episode__client"),
            "occurred_on",
            period,
        ).order_by("occurred_on", "id"),
    )
    return YearInReview(year=year, impact=found, highlights=highlights)


def own_moment(*, actor: User, moment_id: int) -> Moment:
    own_side(actor)
    moment = (
        Moment.objects.filter(pk=moment_id, therapist=actor).select_related("milestone").first()
    )
    if moment is None:
        audit_record(actor=actor, action=OWN_PAGE, outcome=Outcome.DENIED)
        raise Http404("No such moment.")
    return moment


@dataclass(frozen=True)
class SubscaleTrend:
    code: str
    name: str
    latest: float | None
    band: str
    band_label: str
    svg: str


@dataclass(frozen=True)
class Wellbeing:
    checkins: list[CheckIn]
    trends: list[SubscaleTrend]
    concern: bool  # the latest check-in has high burnout or secondary traumatic stress
    resources: list[tuple[str, str]]  # (text, link or "")
    schedule: CheckInSchedule | None
    next_due: date | None


def resources() -> list[tuple[str, str]]:
    found = []
    for entry in settings.STRIDES_WELLBEING_RESOURCES:
        text, _bar, link = entry.partition("|")
        found.append((text.strip(), link.strip() if link.strip().startswith("https://") else ""))
    return found


def next_checkin_due(schedule: CheckInSchedule | None, last: date | None) -> date | None:
    if schedule is None or not schedule.every_days:
        return None
    if last is None:
        return timezone.localdate()
    return last + timedelta(days=schedule.every_days)


def wellbeing(*, actor: User) -> Wellbeing:
    own_side(actor)
    instrument = get_instrument(PROQOL)
    checkins = list(CheckIn.objects.filter(therapist=actor))
    results = [(checkin.taken_on, checkin.result) for checkin in checkins]
    trends = []
    for subscale in instrument.subscales:
        points = [
            ChartPoint(x=day, score=float(result["subscales"][subscale.code]))
            for day, result in results
            if subscale.code in result["subscales"]
        ]
        latest = results[-1][1] if results else None
        band = latest["bands"].get(subscale.code, "") if latest else ""
        chart = ScoreChart(
            title=subscale.name,
            y_min=float(subscale.min_total),
            y_max=float(subscale.max_total),
            lower_is_better=subscale.lower_is_better,
            points=points,
            severity=[
                SeverityBand(min=b.min, max=b.max, code=b.code, label=b.label)
                for b in subscale.bands
            ],
        )
        trends.append(
            SubscaleTrend(
                code=subscale.code,
                name=subscale.name,
                latest=points[-1].score if points else None,
                band=band,
                band_label=subscale.band_label(band) if band else "",
                svg=render_svg(chart, height=220),
            )
        )
    latest_bands = results[-1][1]["bands"] if results else {}
    schedule = CheckInSchedule.objects.filter(therapist=actor).first()
    return Wellbeing(
        checkins=checkins,
        trends=trends,
        concern=any(latest_bands.get(code) == HIGH for code in CONCERN_SUBSCALES),
        resources=resources(),
        schedule=schedule,
        next_due=next_checkin_due(schedule, checkins[-1].taken_on if checkins else None),
    )


def checkin_reminder(*, actor: User) -> date | None:
    """The day a check-in is due when it is due today or earlier (for the home page);
    None when it is not due, no schedule is set, or the user is not a therapist.
    Quiet on purpose: no audit event, it reads only the user's own schedule."""
    if not (actor.is_active and actor.role == "therapist"):
        return None
    schedule = CheckInSchedule.objects.filter(therapist=actor).first()
    if schedule is None or not schedule.every_days:
        return None
    last = (
        CheckIn.objects.filter(therapist=actor)
        .order_by("-taken_on")
        .values_list("taken_on", flat=True)
        .first()
    )
    due = next_checkin_due(schedule, last)
    return due if due is not None and due <= timezone.localdate() else None
