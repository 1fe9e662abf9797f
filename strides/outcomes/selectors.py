"""Reading an episode's stored progress, alerts and milestones (after an access check)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Value, When
from django.utils import timezone

from strides.alerts.models import Alert, AlertStatus
from strides.clients.models import Episode
from strides.instruments import get_instrument
from strides.milestones.models import Milestone
from strides.outcomes.models import EpisodeProgress
from strides.outcomes.status import StatusNow, status_now

# Alerts nobody needs to act on any more: listed after the live ones.
FINISHED = (AlertStatus.CLOSED, AlertStatus.RESOLVED)


@dataclass(frozen=True)
class MeasureLine:
    name: str
    summary: dict[str, Any]


@dataclass(frozen=True)
class EpisodeOutcome:
    progress: EpisodeProgress | None
    status: StatusNow | None  # the progress status as shown today (may be "overdue")
    measures: list[MeasureLine]
    alerts: list[Alert]
    milestones: list[Milestone]


def episode_outcome(*, episode: Episode) -> EpisodeOutcome:
    """Call only with an episode the actor was allowed to see (`episode_for_actor` or the
    client page's `client_for_actor`)."""
    progress = EpisodeProgress.objects.filter(episode=episode).first()
    measures = [
        MeasureLine(get_instrument(code).name, summary)
        for code, summary in (progress.measures.items() if progress else [])
    ]
    status = (
        status_now(
            status=progress.status,
            explanation=progress.status_explanation,
            last_assessed_on=progress.last_assessed_on,
            ended=episode.end is not None,
            today=timezone.localdate(),
        )
        if progress is not None
        else None
    )
    return EpisodeOutcome(
        progress=progress,
        status=status,
        measures=measures,
        alerts=list(
            episode.alerts.select_related("acknowledged_by").order_by(
                Case(When(status__in=FINISHED, then=Value(1)), default=Value(0)),
                "-immediate",
                "-latest_on",
                "-id",
            )
        ),
        # The milestone items read who celebrated, the queued message and the client's
        # opt-in: joined here, not one query per milestone.
        milestones=list(
            episode.milestones.select_related(
                "episode__client", "celebrated_by", "celebration_message"
            )
        ),
    )
