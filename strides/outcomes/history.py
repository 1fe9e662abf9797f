"""An episode's stored records as the plain values the progress engine reads."""

import bisect
from dataclasses import dataclass
from datetime import date

from strides.assessments.models import Assessment
from strides.clients.models import AppointmentKind, AppointmentStatus, Episode
from strides.goals.models import GoalRating
from strides.progress import EpisodeHistory, GoalRatingPoint, Observation


@dataclass(frozen=True)
class LoadedHistory:
    history: EpisodeHistory
    assessments: list[Assessment]


def session_number(attended_dates: list[date], taken_on: date) -> int:
    """Attended sessions up to and including the assessment's date; 1 at the earliest."""
    return max(1, bisect.bisect_right(attended_dates, taken_on))


def goal_points(episode: Episode) -> list[GoalRatingPoint]:
    """Goal ratings, oldest first. Goals are named by number ("Goal 2"), never by their
    text: the client's words are encrypted, and milestone summaries are stored as text."""
    goal_ids = list(episode.goals.order_by("id").values_list("id", flat=True))
    number = {goal_id: position for position, goal_id in enumerate(goal_ids, start=1)}
    ratings = (
        GoalRating.objects.filter(goal__episode=episode)
        .order_by("rated_on", "id")
        .values_list("goal_id", "rated_on", "rating")
    )
    return [
        GoalRatingPoint(
            goal_id=goal_id, goal_text=f"Goal {number[goal_id]}", when=when, rating=float(rating)
        )
        for goal_id, when, rating in ratings
    ]


def unanswered_invitations(episode: Episode, since: date | None) -> int:
    from strides.portal.models import Invitation, Purpose

    lapsed = Invitation.objects.filter(
        episode=episode, purpose=Purpose.ANSWER, used_at__isnull=True, lapsed_at__isnull=False
    )
    if since is not None:
        lapsed = lapsed.filter(created_at__date__gt=since)
    return lapsed.count()


def load_history(episode: Episode) -> LoadedHistory:
    attended_rows = list(
        episode.appointments.filter(status=AppointmentStatus.ATTENDED).values_list("at", "kind")
    )
    attended = sorted(at.date() for at, _kind in attended_rows)
    # A finished course counts treatment sessions only: an assessment is not one.
    treatment = sum(1 for _at, kind in attended_rows if kind == AppointmentKind.TREATMENT)
    assessments = list(episode.assessments.filter(is_current=True).order_by("taken_on", "id"))
    observations = []
    last_session: dict[str, int] = {}
    for a in assessments:
        # Two administrations of one instrument between the same sessions (a repeat on
        # the same day, or before the first appointment was recorded) count as
        # consecutive sessions, so every observation, above all a risk flag, is kept.
        session = max(
            session_number(attended, a.taken_on), last_session.get(a.instrument_code, 0) + 1
        )
        last_session[a.instrument_code] = session
        observations.append(
            Observation(
                # The first version's id: a corrected assessment keeps its identity, so an
                # event keyed on it is not raised twice.
                assessment_id=a.first_version_id or a.pk,
                instrument=a.instrument_code,
                when=a.taken_on,
                session=session,
                total=a.total,
                flags=frozenset(a.flags),
            )
        )
    last_measured = assessments[-1].taken_on if assessments else None
    missed = sum(1 for day in attended if last_measured is None or day > last_measured)
    # Portal invitations that lapsed unanswered since the last measure are missed too
    # (once the history has a date to judge by: a measure or an attended session).
    if observations or attended:
        missed = max(missed, unanswered_invitations(episode, last_measured))
    history = EpisodeHistory(
        observations=observations,
        goal_ratings=goal_points(episode),
        attended_sessions=len(attended),
        ended=episode.end is not None,
        end_reason=episode.end_reason or None,
        missed_in_row=missed,
        attended_dates=attended,
        ended_on=episode.end,
        treatment_sessions=treatment,
    )
    return LoadedHistory(history, assessments)
