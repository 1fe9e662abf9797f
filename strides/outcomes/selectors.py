"""Reading an episode's stored progress, alerts and milestones (after an access check)."""

from dataclasses import dataclass
from typing import Any

from strides.alerts.models import Alert
from strides.clients.models import Episode
from strides.instruments import get_instrument
from strides.milestones.models import Milestone
from strides.outcomes.models import EpisodeProgress


@dataclass(frozen=True)
class MeasureLine:
    name: str
    summary: dict[str, Any]


@dataclass(frozen=True)
class EpisodeOutcome:
    progress: EpisodeProgress | None
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
    return EpisodeOutcome(
        progress=progress,
        measures=measures,
        alerts=list(episode.alerts.select_related("acknowledged_by")),
        milestones=list(episode.milestones.all()),
    )
