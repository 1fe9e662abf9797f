"""Reads of client data. Each takes the actor, applies the one access rule and audits.

An object the actor may not see does not exist for them: `Http404`, and a denied
audit event, in HTML and JSON alike. Episode-level records are checked against their
episode, a client's own facts against the client (`strides.accounts.permissions`).
"""

from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from strides.accounts.models import Role, Supervision, User
from strides.accounts.permissions import (
    CURRENT_EPISODE_FIRST,
    Access,
    client_and_access_for_actor,
    readable_episodes,
    record_for_actor,
    writable_episodes,
)
from strides.audit.services import audit_record
from strides.clients.models import Appointment, BreakGlassGrant, Client, Episode, EpisodeTransfer


def client_for_actor(
    *, actor: User, client_id: int, need: Access = Access.READ, action: str = "client.view"
) -> tuple[Client, Access]:
    return client_and_access_for_actor(actor=actor, client_id=client_id, need=need, action=action)


def episode_for_actor(
    *, actor: User, episode_id: int, need: Access = Access.READ, action: str = "episode.view"
) -> Episode:
    return record_for_actor(
        actor=actor,
        queryset=Episode.objects.select_related("client", "therapist"),
        pk=episode_id,
        episode_of=lambda e: e,
        need=need,
        action=action,
    )


def appointment_for_actor(
    *,
    actor: User,
    appointment_id: int,
    need: Access = Access.READ,
    action: str = "appointment.view",
) -> Appointment:
    return record_for_actor(
        actor=actor,
        queryset=Appointment.objects.select_related("episode__client", "episode__therapist"),
        pk=appointment_id,
        episode_of=lambda a: a.episode,
        need=need,
        action=action,
    )


def caseload(*, actor: User, query: str = "", include_ended: bool = False) -> QuerySet[Episode]:
    """The caseload: for each client the actor may see, the current episode among those
    the actor may read (open ones first), one row per client, ordered by name.

    Set-based: the current episodes are ranked once, a window over the readable episodes
    in a non-correlated `IN`, never looked up per client (a correlated lookup per column
    cost 137 ms of a 1,500-client page on SQLite). Filters and sort keys then apply to
    these rows only, so an older episode can never stand in for the current one."""
    readable = readable_episodes(actor)
    if not include_ended:
        readable = readable.filter(end__isnull=True)
    current = readable.annotate(
        rank=Window(
            RowNumber(), partition_by=[F("client_id")], order_by=list(CURRENT_EPISODE_FIRST)
        )
    ).filter(rank=1)
    rows = Episode.objects.filter(pk__in=current.values("pk"))
    if query:
        rows = rows.filter(client__display_name__icontains=query)
    # Whether a search was made, never what was searched for (it may be a client's name).
    audit_record(actor=actor, action="caseload.view", detail={"searched": True} if query else None)
    return rows.order_by("client__display_name", "client_id")


def whose_caseload(*, actor: User) -> list[str]:
    """Whose clients the caseload lists: the actor's own, or a supervisor's supervisees."""
    if actor.role != Role.SUPERVISOR:
        return [actor.username]
    return list(
        Supervision.objects.filter(supervisor=actor, supervisee__is_active=True)
        .order_by("supervisee__username")
        .values_list("supervisee__username", flat=True)
    )


def client_episodes(*, actor: User, client: Client) -> QuerySet[Episode]:
    """The client's episodes the actor may read, with their appointments and transfers;
    call after `client_for_actor`."""
    return (
        readable_episodes(actor)
        .filter(client=client)
        .select_related("therapist")
        .prefetch_related(
            Prefetch("appointments", queryset=Appointment.objects.order_by("-at")),
            Prefetch(
                "transfers",
                queryset=EpisodeTransfer.objects.select_related("from_therapist", "to_therapist"),
            ),
        )
    )


def writable_episode_ids(*, actor: User, client: Client) -> set[int]:
    return set(writable_episodes(actor).filter(client=client).values_list("pk", flat=True))


def break_glass_grants(*, client: Client) -> QuerySet[BreakGlassGrant]:
    """Admins who opened this record: shown to the treating therapist."""
    return client.break_glass_grants.select_related("admin")
