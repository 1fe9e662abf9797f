"""The one access rule for clinical data, decided per episode.

Every record of an episode (its appointments and notes, assessments, goals, alerts,
milestones, charts and timeline entries) follows its episode. A client's own facts (name,
contact details) are visible when any of their episodes is.

- A therapist writes to the open episodes they treat. An ended episode is closed: nobody
  adds to it any more (write the last note before ending it); its therapist keeps
  reading it and still handles its alerts (acknowledge, snooze, resolve), because a risk
  alert stays open until a person acknowledges it.
- A therapist reads their own episodes, open or ended, and, for continuity of care, the
  episodes of a client they treat now (an open episode of theirs) that started before
  that open episode. They never see an episode that started later and is run by someone
  else: a therapist who once treated a client does not follow them into later care.
- A supervisor reads exactly what their supervisees (active therapists) read, read-only.
- An admin manages accounts and settings; they read a client's episodes only through an
  unexpired break-glass grant (written reason, audited, shown on the client's page), and
  then read-only.
- The role is part of the rule: episodes count only for an active account in the
  therapist role, so an admin or supervisor gains nothing from episodes they once had.
- Nobody else sees anything. Selectors turn "not visible" into 404.

Each rule is one set-based query (`id IN (subquery)` or a join), never an `EXISTS`
correlated with every client, so the database plans it once however large the caseload
(tests/security/test_query_plan.py reads SQLite's plan).
"""

from collections.abc import Callable
from enum import IntEnum
from functools import lru_cache

from django.db.models import F, Model, OrderBy, Q, QuerySet
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


# A client's current episode: open ones first, then the one that ended last; the same
# on SQLite and PostgreSQL (which disagree on where NULL sorts unless told).
CURRENT_EPISODE_FIRST: tuple[OrderBy | str, ...] = (
    F("end").desc(nulls_first=True),
    "-start",
    "-id",
)


def _is_active_therapist(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.THERAPIST


def _reach(therapists: QuerySet[User] | list[int]) -> QuerySet[Episode]:
    """The episodes these therapists read: their own, and the earlier episodes of the
    clients they treat now (a join with their open episodes, not a per-client EXISTS)."""
    earlier = Episode.objects.filter(
        client__episodes__therapist__in=therapists,
        client__episodes__end__isnull=True,
        start__lt=F("client__episodes__start"),
    )
    return Episode.objects.filter(Q(therapist__in=therapists) | Q(pk__in=earlier.values("pk")))


@lru_cache(maxsize=4096)
def _reach_of(role: str, user_id: int) -> QuerySet[Episode]:
    """The query of a therapist's or supervisor's reach, built once per account: building
    it (joins resolved, subqueries nested) costs about a millisecond, and a page uses it in
    half a dozen queries. It depends on nothing but the role and the id (the supervisees
    are a subquery read when it runs). Never evaluated itself: callers get a copy."""
    if role == Role.THERAPIST:
        return _reach([user_id])
    supervisees = User.objects.filter(supervisors=user_id, role=Role.THERAPIST, is_active=True)
    return _reach(supervisees)


def readable_episodes(user: User) -> QuerySet[Episode]:
    """Every episode the user may read, as one query."""
    if not user.is_authenticated or not user.is_active:
        return Episode.objects.none()
    if user.role in (Role.THERAPIST, Role.SUPERVISOR):
        return _reach_of(user.role, user.pk).all()
    if user.role == Role.ADMIN:
        grants = BreakGlassGrant.objects.filter(admin=user, expires_at__gt=timezone.now())
        return Episode.objects.filter(client_id__in=grants.values("client_id"))
    return Episode.objects.none()


def writable_episodes(user: User) -> QuerySet[Episode]:
    """The open episodes the user treats: the only episodes anyone writes to."""
    if not _is_active_therapist(user):
        return Episode.objects.none()
    return Episode.objects.filter(therapist=user, end__isnull=True)


def alert_handling_episodes(user: User) -> QuerySet[Episode]:
    """The episodes whose alerts the user acknowledges, snoozes and resolves: those they
    treat or treated, open or ended (an ending never strands an open risk alert)."""
    if not _is_active_therapist(user):
        return Episode.objects.none()
    return Episode.objects.filter(therapist=user)


def visible_clients(user: User) -> QuerySet[Client]:
    """Every client with at least one episode the user may read, as one query."""
    return Client.objects.filter(pk__in=readable_episodes(user).values("client_id"))


def episode_access(user: User, episode: Episode) -> Access:
    if writable_episodes(user).filter(pk=episode.pk).exists():
        return Access.WRITE
    if readable_episodes(user).filter(pk=episode.pk).exists():
        return Access.READ
    return Access.NONE


def client_access(user: User, client: Client) -> Access:
    """Access to the client's own facts and to starting a new episode for them.

    WRITE for the therapist of the client's current episode (an open one of theirs, or,
    when none is open, the one that ended last: a client returning to the therapist who
    saw them last); READ when any episode is readable.
    """
    if writable_episodes(user).filter(client=client).exists():
        return Access.WRITE
    if not readable_episodes(user).filter(client=client).exists():
        return Access.NONE
    current = client.episodes.order_by(*CURRENT_EPISODE_FIRST).first()
    if (
        _is_active_therapist(user)
        and current is not None
        and current.end is not None
        and current.therapist_id == user.pk
    ):
        return Access.WRITE
    return Access.READ


def _deny(*, actor: User, action: str, client: Client | None, need: Access) -> Http404:
    audit_record(
        actor=actor,
        action=action,
        outcome=Outcome.DENIED,
        client=client,
        detail={"needed": need.name.lower()},
    )
    return Http404("No such record.")


def require_write(*, actor: User, episode: Episode, action: str) -> None:
    """The backstop in every service that changes an episode's records: audited 404
    unless the actor treats this open episode."""
    if episode_access(actor, episode) < Access.WRITE:
        raise _deny(actor=actor, action=action, client=episode.client, need=Access.WRITE)


def require_alert_handler(*, actor: User, episode: Episode, action: str) -> None:
    """The backstop in the services that handle an alert: audited 404 unless the actor is
    the therapist of the alert's episode (open or ended)."""
    if not alert_handling_episodes(actor).filter(pk=episode.pk).exists():
        raise _deny(actor=actor, action=action, client=episode.client, need=Access.WRITE)


def require_client_write(*, actor: User, client: Client, action: str) -> None:
    """The backstop for changes to a client's own facts and for new episodes."""
    if client_access(actor, client) < Access.WRITE:
        raise _deny(actor=actor, action=action, client=client, need=Access.WRITE)


def client_and_access_for_actor(
    *, actor: User, client_id: int, need: Access, action: str
) -> tuple[Client, Access]:
    """A client's own facts for someone, with their client-level access; 404 and a
    denied audit event below `need`, an allowed read audited."""
    client = Client.objects.filter(pk=client_id).first()
    access = client_access(actor, client) if client is not None else Access.NONE
    if client is None or access < need:
        raise _deny(actor=actor, action=action, client=client, need=need)
    audit_record(actor=actor, action=action, client=client)
    return client, access


def record_and_access_for_actor[M: Model](
    *,
    actor: User,
    queryset: QuerySet[M],
    pk: int,
    episode_of: Callable[[M], Episode],
    need: Access,
    action: str,
) -> tuple[M, Access]:
    """The one way a selector loads a record of an episode for someone, with the
    access the actor has to its episode.

    Anyone below `need` (including for a record that does not exist) gets 404 and a
    denied audit event; an allowed read is audited with the record it opened.
    """
    record = queryset.filter(pk=pk).first()
    episode = episode_of(record) if record is not None else None
    access = episode_access(actor, episode) if episode is not None else Access.NONE
    if record is None or episode is None or access < need:
        client = episode.client if episode is not None else None
        raise _deny(actor=actor, action=action, client=client, need=need)
    audit_record(actor=actor, action=action, client=episode.client, obj=record)
    return record, access


def record_for_actor[M: Model](
    *,
    actor: User,
    queryset: QuerySet[M],
    pk: int,
    episode_of: Callable[[M], Episode],
    need: Access,
    action: str,
) -> M:
    """`record_and_access_for_actor` for callers that need only the record."""
    record, _access = record_and_access_for_actor(
        actor=actor, queryset=queryset, pk=pk, episode_of=episode_of, need=need, action=action
    )
    return record
