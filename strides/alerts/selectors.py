from django.http import Http404

from strides.accounts.models import User
from strides.accounts.permissions import Access, client_access
from strides.alerts.models import Alert
from strides.audit.models import Outcome
from strides.audit.services import audit_record


def alert_for_actor(
    *, actor: User, alert_id: int, need: Access = Access.READ, action: str = "alert.view"
) -> Alert:
    alert = Alert.objects.select_related("episode__client").filter(pk=alert_id).first()
    client = alert.episode.client if alert is not None else None
    if client is None or client_access(actor, client) < need:
        audit_record(actor=actor, action=action, outcome=Outcome.DENIED, client=client)
        raise Http404("No such record.")
    assert alert is not None
    audit_record(actor=actor, action=action, client=client, obj=alert)
    return alert
