"""Reading the audit trail: admins only."""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from strides.accounts.models import Role, User
from strides.audit.models import AuditEvent


def audit_events(
    *,
    actor: User,
    since: date | None = None,
    until: date | None = None,
    username: str = "",
    client_id: int | None = None,
    action: str = "",
) -> QuerySet[AuditEvent]:
    if actor.role != Role.ADMIN:
        raise Http404("No such page.")
    events = AuditEvent.objects.select_related("client").order_by("-id")
    zone = timezone.get_current_timezone()
    if since:
        events = events.filter(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        events = events.filter(
            at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
        )
    if username:
        events = events.filter(actor_label__iexact=username)
    if client_id:
        events = events.filter(client_id=client_id)
    if action:
        events = events.filter(action__startswith=action)
    return events
