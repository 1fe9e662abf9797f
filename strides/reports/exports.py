"""CSV exports: assessments item by item, and episodes with their outcomes.

Rows are produced lazily from a server-side iterator, so a clinic's export streams
instead of being built in memory. Every text cell goes through `safe_cell` (a leading
`=`, `+`, `-`, `@`, tab or carriage return gets a `'`); numbers Strides computed are
written as numbers, so a change of -8 stays a number a spreadsheet can sum.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum

from django.db.models import Count, Q, QuerySet

from strides.assessments.models import Assessment
from strides.clients.models import AppointmentStatus, Episode
from strides.lib.csv_cells import safe_cell
from strides.reports.audiences import pseudonym

CHUNK = 500


class ExportKind(StrEnum):
    ASSESSMENTS = "assessments"
    EPISODES = "episodes"


class Scope(StrEnum):
    OWN = "own"  # a therapist's own reach
    TEAM = "team"  # a supervisor's supervisees' reach
    CLINIC = "clinic"  # every episode (an admin, pseudonymised)


ASSESSMENT_COLUMNS = [
    "client_id", "client", "episode_id", "therapist", "assessment_id", "instrument_code",
    "instrument_version", "taken_on", "mode", "total", "band", "item", "answer",
]  # fmt: skip
EPISODE_COLUMNS = [
    "client_id", "client", "episode_id", "therapist", "start", "end", "end_reason",
    "attended_sessions", "status", "instrument", "first", "latest", "change",
    "reliable_change", "clinical_significance", "tt_finished_course", "tt_caseness",
    "tt_recovered", "tt_reliable_improvement", "tt_reliable_deterioration",
    "tt_reliable_recovery",
]  # fmt: skip
TT_FIELDS = [
    "finished_course", "caseness", "recovered", "reliable_improvement",
    "reliable_deterioration", "reliable_recovery",
]  # fmt: skip


def cell(value: object) -> object:
    """A CSV cell: numbers as numbers, yes/no for truth values, every text escaped."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    return safe_cell(value)


def _client_label(episode: Episode, scope: Scope) -> str:
    return pseudonym(episode.client_id) if scope == Scope.CLINIC else episode.client.display_name


def assessment_rows(episodes: QuerySet[Episode], scope: Scope) -> Iterator[Sequence[object]]:
    """One row per answered-or-not item of each current assessment."""
    yield ASSESSMENT_COLUMNS
    assessments = (
        Assessment.objects.filter(episode__in=episodes, is_current=True)
        .select_related("episode__client", "episode__therapist")
        .order_by("episode_id", "taken_on", "id")
    )
    for a in assessments.iterator(chunk_size=CHUNK):
        episode = a.episode
        head = [
            episode.client_id, _client_label(episode, scope), episode.pk,
            episode.therapist.username, a.pk, a.instrument_code, a.instrument_version,
            a.taken_on.isoformat(), a.mode, a.total, a.band,
        ]  # fmt: skip
        for number in sorted(a.answers, key=int):
            yield [cell(v) for v in (*head, int(number), a.answers[number])]


def episode_rows(episodes: QuerySet[Episode], scope: Scope) -> Iterator[Sequence[object]]:
    """One row per episode and measure (one row without measure columns for an episode
    with no scores yet), with the NHS Talking Therapies outcome where it applies."""
    yield EPISODE_COLUMNS
    rows = (
        episodes.select_related("client", "therapist", "progress")
        .annotate(
            attended=Count(
                "appointments", filter=Q(appointments__status=AppointmentStatus.ATTENDED)
            )
        )
        .order_by("id")
    )
    for episode in rows.iterator(chunk_size=CHUNK):
        progress = getattr(episode, "progress", None)
        head = [
            episode.client_id, _client_label(episode, scope), episode.pk,
            episode.therapist.username, episode.start.isoformat(),
            episode.end.isoformat() if episode.end else "", episode.end_reason,
            episode.attended, progress.status if progress else "",
        ]  # fmt: skip
        tt = (progress.talking_therapies if progress else None) or {}
        tail = [tt.get(name) for name in TT_FIELDS]
        measures = progress.measures if progress else {}
        if not measures:
            yield [cell(v) for v in (*head, *[None] * 6, *tail)]
        for code, m in sorted(measures.items()):
            values = (code, m.get("first"), m.get("latest"), m.get("change"))
            yield [cell(v) for v in (*head, *values, m.get("direction"), m.get("category"), *tail)]


class _Echo:
    """A file-like object whose write returns the text, for streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)


def export_rows(
    kind: ExportKind, episodes: QuerySet[Episode], scope: Scope
) -> Iterator[Sequence[object]]:
    if kind == ExportKind.ASSESSMENTS:
        return assessment_rows(episodes, scope)
    return episode_rows(episodes, scope)
