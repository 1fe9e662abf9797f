from strides.accounts.models import User
from strides.accounts.permissions import Access, record_for_actor
from strides.alerts.models import Alert


def alert_for_actor(
    *, actor: User, alert_id: int, need: Access = Access.READ, action: str = "alert.view"
) -> Alert:
    return record_for_actor(
        actor=actor,
        queryset=Alert.objects.select_related("episode__client"),
        pk=alert_id,
        episode_of=lambda a: a.episode,
        need=need,
        action=action,
    )
