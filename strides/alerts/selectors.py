from collections.abc import Iterable

from strides.accounts.models import User
from strides.accounts.permissions import (
    Access,
    alert_handling_episodes,
    record_for_actor,
    require_alert_handler,
)
from strides.alerts.models import Alert


def alert_for_actor(*, actor: User, alert_id: int, action: str = "alert.view") -> Alert:
    return record_for_actor(
        actor=actor,
        queryset=Alert.objects.select_related("episode__client"),
        pk=alert_id,
        episode_of=lambda a: a.episode,
        need=Access.READ,
        action=action,
    )


def alert_to_handle_for_actor(*, actor: User, alert_id: int) -> Alert:
    """An alert its episode's therapist acknowledges, snoozes or resolves (also after the
    episode ended); 404 and a denied audit event for anyone else."""
    alert = alert_for_actor(actor=actor, alert_id=alert_id, action="alert.edit")
    require_alert_handler(actor=actor, episode=alert.episode, action="alert.edit")
    return alert


def handled_episode_ids(*, actor: User, episode_ids: Iterable[int]) -> set[int]:
    """Which of these episodes' alerts the actor acknowledges, snoozes and resolves (the
    pages show the controls for those only; the services check it again)."""
    return set(
        alert_handling_episodes(actor).filter(pk__in=list(episode_ids)).values_list("pk", flat=True)
    )
