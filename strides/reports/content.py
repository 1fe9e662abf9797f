"""What goes into a progress report for one audience, gathered from the stored records.

Call only with an episode the actor was allowed to read (`selectors.report_episode`).
Everything a report shows is decided here, per audience; the template only lays it out.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from strides.alerts.models import Alert
from strides.assessments.models import Assessment
from strides.clients.models import AppointmentStatus, Episode
from strides.goals.selectors import EpisodeGoals, episode_goals, goal_chart_svg
from strides.instruments import Instrument, get_instrument
from strides.milestones.models import Milestone
from strides.notes.models import Note
from strides.outcomes.charts import episode_charts
from strides.outcomes.models import EpisodeProgress
from strides.reports.audiences import Audience, hidden_from_clients, pseudonym
from strides.reports.plain_words import category_words, status_words


@dataclass(frozen=True)
class ScoreRow:
    taken_on: date
    total: float | None
    band: str
    flags: list[str]


@dataclass(frozen=True)
class MeasureSection:
    code: str
    name: str
    version: str
    chart_svg: str
    scores: list[ScoreRow]
    summary: dict[str, Any] | None  # the stored MeasureSummary of this instrument
    plain: str  # the change category in everyday words (client audience)
    plain_status: str


@dataclass(frozen=True)
class SessionNote:
    at: date
    text: str


@dataclass(frozen=True)
class ReportContent:
    audience: Audience
    title: str
    client_label: str  # the name, or the pseudonym for supervision
    date_of_birth: date | None
    contact: str
    episode: Episode
    therapist: str
    generated_on: date
    presenting_problem: str
    attended_sessions: int
    status: str
    status_explanation: str
    measures: list[MeasureSection]
    talking_therapies: dict[str, Any] | None
    goals: EpisodeGoals
    goal_chart_svg: str
    milestones: list[Milestone]
    alerts: list[Alert] = field(default_factory=list)
    notes: list[SessionNote] = field(default_factory=list)


def _band_label(instrument: Instrument, code: str) -> str:
    try:
        return instrument.band_label(code) if code else ""
    except KeyError:
        return code


def _measures(
    episode: Episode, progress: EpisodeProgress | None, audience: Audience
) -> list[MeasureSection]:
    charts = {chart.code: chart.svg for chart in episode_charts(episode=episode)}
    summaries = progress.measures if progress is not None else {}
    by_code: dict[str, list[Assessment]] = {}
    for assessment in episode.assessments.filter(is_current=True).order_by("taken_on", "id"):
        by_code.setdefault(assessment.instrument_code, []).append(assessment)
    sections = []
    for code, assessments in sorted(by_code.items()):
        if audience == Audience.CLIENT and hidden_from_clients(code):
            continue
        instrument = get_instrument(code)
        summary = summaries.get(code)
        sections.append(
            MeasureSection(
                code=code,
                name=instrument.name,
                version=instrument.version,
                chart_svg=charts.get(code, ""),
                scores=[
                    ScoreRow(a.taken_on, a.total, _band_label(instrument, a.band), list(a.flags))
                    for a in assessments
                ],
                summary=summary,
                plain=category_words(summary.get("category") if summary else None),
                plain_status=status_words(summary.get("status") if summary else None),
            )
        )
    return sections


def _mentions_hidden_measure(milestone: Milestone) -> bool:
    """A milestone of a hidden measure, or one whose evidence names one (an ending with
    reliable improvement "on PHQ-9, GAD-7")."""
    codes = {milestone.instrument} if milestone.instrument else set()
    for value in milestone.evidence.values():
        if isinstance(value, str):
            codes.update(part.strip() for part in value.split(","))
    return any(hidden_from_clients(code) for code in codes if code)


def _notes(episode: Episode) -> list[SessionNote]:
    notes = Note.objects.filter(appointment__episode=episode).select_related("appointment")
    return [
        SessionNote(timezone.localtime(note.appointment.at).date(), note.body)
        for note in notes.order_by("appointment__at", "id")
    ]


def report_content(*, episode: Episode, audience: Audience) -> ReportContent:
    client = episode.client
    progress = EpisodeProgress.objects.filter(episode=episode).first()
    supervision = audience == Audience.SUPERVISION
    record = audience == Audience.RECORD
    measures = _measures(episode, progress, audience)
    milestones = [
        m
        for m in episode.milestones.order_by("occurred_on", "id")
        if audience != Audience.CLIENT or not _mentions_hidden_measure(m)
    ]
    tt = progress.talking_therapies if progress is not None else None
    if tt and audience == Audience.CLIENT and hidden_from_clients(str(tt.get("anxiety_measure"))):
        tt = None
    label = pseudonym(client.pk) if supervision else client.display_name
    return ReportContent(
        audience=audience,
        title=f"Progress report: {label}, episode from {episode.start:%d %B %Y}",
        client_label=label,
        date_of_birth=client.date_of_birth if record else None,
        contact=", ".join(filter(None, (client.email, client.phone))) if record else "",
        episode=episode,
        therapist=episode.therapist.display(),
        generated_on=timezone.localdate(),
        presenting_problem=episode.presenting_problem if record else "",
        attended_sessions=episode.appointments.filter(status=AppointmentStatus.ATTENDED).count(),
        status=progress.status if progress is not None else "",
        status_explanation=progress.status_explanation if progress is not None else "",
        measures=measures,
        talking_therapies=tt,
        goals=episode_goals(episode=episode),
        goal_chart_svg=goal_chart_svg(episode=episode),
        milestones=milestones,
        alerts=list(episode.alerts.order_by("-latest_on", "-id")) if record else [],
        notes=_notes(episode) if record else [],
    )
