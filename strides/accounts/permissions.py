"""The one access rule for clinical data.

- A therapist sees (and changes) the clients of the episodes they treat.
- A supervisor sees, read-only, the clients of the therapists they supervise.
- An admin manages accounts and settings; they see a client's clinical record only
  through an unexpired break-glass grant (written reason, audited, shown to the
  treating therapist), and then read-only.
- Nobody else sees anything. Selectors turn "not visible" into 404.
"""

from collections.abc import Callable
from enum import IntEnum

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from strides.accounts.models import Role, User
from strides.audit.models import Outcome
from strides.audit.services import audit_record
from strides.clients.models import BreakGlassGrant, Client, Episode


class Access(IntEnum):
    NONE = 0
    READ = 1
    WRITE = 2


def _treats(user: User) -> Q:
    return Q(Exists(Episode.objects.filter(client=OuterRef("pk"), therapist=user)))


def _supervises(user: User) -> Q:
    return Q(
        Exists(Episode.objects.filter(client=OuterRef("pk"), therapist__in=user.supervisees.all()))
    )


def _break_glass(user: User) -> Q:
    return Q(
        Exists(
            BreakGlassGrant.objects.filter(
                client=OuterRef("pk"), admin=user, expires_at__gt=timezone.now()
            )
        )
    )


def visible_clients(user: User) -> QuerySet[Client]:
    """Every client the user may read, as one query."""
    if not user.is_authenticated or not user.is_active:
        return Client.objects.none()
    if user.role == Role.THERAPIST:
        return Client.objects.filter(_treats(user))
    if user.role == Role.SUPERVISOR:
        return Client.objects.filter(_supervises(user) | _treats(user))
    if user.role == Role.ADMIN:
        return Client.objects.filter(_break_glass(user))
    return Client.objects.none()


def client_access(user: User, client: Client) -> Access:
    if not user.is_authenticated or not user.is_active:
        return Access.NONE
    if Client.objects.filter(_treats(user), pk=client.pk).exists():
        return Access.WRITE
    if visible_clients(user).filter(pk=client.pk).exists():
        return Access.READ
    return Access.NONE


def require_write(*, actor: User, client: Client, action: str) -> None:
    """The backstop in every service that changes clinical data: audited 404 otherwise."""
    if client_access(actor, client) < Access.WRITE:
        audit_record(actor=actor, action=action, outcome=Outcome.DENIED, client=client)
        raise Http404("No such record.")


def record_and_access_for_actor[M: Model](
    *,
    actor: User,
    queryset: QuerySet[M],
    pk: int,
    client_of: Callable[[M], Client],
    need: Access,
    action: str,
) -> tuple[M, Access]:
    """The one way a selector loads a record of clinical data for someone, with the
    access the actor has to it.

    Anyone below `need` (including for a record that does not exist) gets 404 and a
    denied audit event; an allowed read is audited with the record it opened.
    """
    record = queryset.filter(pk=pk).first()
    client = client_of(record) if record is not None else None
    access = client_access(actor, client) if client is not None else Access.NONE
    if record is None or client is None or access < need:
        audit_record(
            actor=actor,
            action=action,
            outcome=Outcome.DENIED,
            client=client,
            detail={"needed": need.name.lower()},
        )
        raise Http404("No such record.")
    audit_record(
        actor=actor,
        action=action,
        client=client,
        obj=record if not isinstance(record, Client) else None,
    )
    return record, access


def record_for_actor[M: Model](
    *,
    actor: User,
    queryset: QuerySet[M],
    pk: int,
    client_of: Callable[[M], Client],
    need: Access,
    action: str,
) -> M:
    """`record_and_access_for_actor` for callers that need only the record."""
    record, _access = record_and_access_for_actor(
        actor=actor, queryset=queryset, pk=pk, client_of=client_of, need=need, action=action
    )
    return record
