from strides.accounts.models import User
from strides.accounts.permissions import Access, record_for_actor
from strides.milestones.models import Milestone


def milestone_for_actor(
    *, actor: User, milestone_id: int, need: Access = Access.READ, action: str = "milestone.view"
) -> Milestone:
    return record_for_actor(
        actor=actor,
        queryset=Milestone.objects.select_related("episode__client"),
        pk=milestone_id,
        episode_of=lambda m: m.episode,
        need=need,
        action=action,
    )
