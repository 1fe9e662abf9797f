from django.http import Http404

from strides.accounts.models import User
from strides.accounts.permissions import Access, client_access
from strides.audit.models import Outcome
from strides.audit.services import audit_record
from strides.milestones.models import Milestone


def milestone_for_actor(
    *, actor: User, milestone_id: int, need: Access = Access.READ, action: str = "milestone.view"
) -> Milestone:
    milestone = Milestone.objects.select_related("episode__client").filter(pk=milestone_id).first()
    client = milestone.episode.client if milestone is not None else None
    if client is None or client_access(actor, client) < need:
        audit_record(actor=actor, action=action, outcome=Outcome.DENIED, client=client)
        raise Http404("No such record.")
    assert milestone is not None
    audit_record(actor=actor, action=action, client=client, obj=milestone)
    return milestone
