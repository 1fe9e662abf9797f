"""Reads of client data. Each takes the actor, applies the one access rule and audits.

An object the actor may not see does not exist for them: `Http404`, and a denied
audit event, in HTML and JSON alike.
"""

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from strides.accounts.models import User
from strides.accounts.permissions import (
    Access,
    record_and_access_for_actor,
    record_for_actor,
    visible_clients,
)
from strides.assessments.selectors import latest_risk_endorsed
from strides.audit.services import audit_record
from strides.clients.models import Appointment, BreakGlassGrant, Client, Episode


def client_for_actor(
    *, actor: User, client_id: int, need: Access = Access.READ, action: str = "client.view"
) -> tuple[Client, Access]:
    return record_and_access_for_actor(
        actor=actor,
        queryset=Client.objects.all(),
        pk=client_id,
        client_of=lambda c: c,
        need=need,
        action=action,
    )


def episode_for_actor(
    *, actor: User, episode_id: int, need: Access = Access.READ, action: str = "episode.view"
) -> Episode:
    return record_for_actor(
        actor=actor,
        queryset=Episode.objects.select_related("client", "therapist"),
        pk=episode_id,
        client_of=lambda e: e.client,
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
        client_of=lambda a: a.episode.client,
        need=need,
        action=action,
    )


def caseload(*, actor: User, query: str = "", include_ended: bool = False) -> QuerySet[Client]:
    """The clients the actor may see, with their current episode's facts, in one query."""
    clients = visible_clients(actor)
    if query:
        clients = clients.filter(display_name__icontains=query)
    current = Episode.objects.filter(client=OuterRef("pk")).order_by("end", "-start")
    active_episodes = Count("episodes", filter=Q(episodes__end__isnull=True), distinct=True)
    clients = clients.annotate(
        active_episodes=active_episodes,
        therapist_name=Subquery(current.values("therapist__username")[:1]),
        episode_start=Subquery(current.values("start")[:1]),
        risk_endorsed=latest_risk_endorsed(),
        last_appointment=Max(
            "episodes__appointments__at", filter=Q(episodes__appointments__status="attended")
        ),
    )
    if not include_ended:
        clients = clients.filter(active_episodes__gt=0)
    # Whether a search was made, never what was searched for (it may be a client's name).
    audit_record(actor=actor, action="caseload.view", detail={"searched": True} if query else None)
    return clients.order_by("display_name", "id")


def client_episodes(*, client: Client) -> QuerySet[Episode]:
    """A client's episodes with their appointments; call after `client_for_actor`."""
    return client.episodes.select_related("therapist").prefetch_related(
        Prefetch("appointments", queryset=Appointment.objects.order_by("-at"))
    )


def break_glass_grants(*, client: Client) -> QuerySet[BreakGlassGrant]:
    """Admins who opened this record: shown to the treating therapist."""
    return client.break_glass_grants.select_related("admin")
