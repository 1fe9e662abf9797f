"""Reads for reports and exports, through the one access rule."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from strides.accounts.models import Role, User
from strides.accounts.permissions import Access, readable_episodes, record_for_actor
from strides.audit.models import Outcome
from strides.audit.services import audit_record
from strides.clients.models import Episode
from strides.reports.audiences import Audience, audiences_for
from strides.reports.exports import Scope


def report_episode(*, actor: User, episode_id: int, audience: Audience) -> Episode:
    """The episode a report is made of: 404 and a denied audit event for an audience the
    actor's role may not produce, or an episode the actor may not read."""
    if audience not in audiences_for(actor):
        audit_record(
            actor=actor,
            action="report.open",
            outcome=Outcome.DENIED,
            detail={"audience": str(audience), "episode": episode_id},
        )
        raise Http404("No such record.")
    return record_for_actor(
        actor=actor,
        queryset=Episode.objects.select_related("client", "therapist"),
        pk=episode_id,
        episode_of=lambda e: e,
        need=Access.READ,
        action="report.open",
    )


@dataclass(frozen=True)
class ReportLinks:
    """The report links the client page shows per episode."""

    audiences: tuple[Audience, ...]
    episodes: list[Episode]


def report_links(*, actor: User, episodes: QuerySet[Episode] | list[Episode]) -> ReportLinks:
    """For the client page: the audiences the actor may produce for the (readable)
    episodes listed there. No query: the page already read the episodes."""
    return ReportLinks(audiences_for(actor), list(episodes))


def export_episodes(*, actor: User) -> QuerySet[Episode]:
    """The episodes a CSV export covers: a therapist's own reach, a supervisor's team's,
    or, for an admin, the whole clinic (the caller checks the admin's sign-in first)."""
    if actor.role == Role.ADMIN and actor.is_active:
        return Episode.objects.all()
    return readable_episodes(actor)


def export_scope(actor: User) -> Scope | None:
    """What an export covers for this person: a therapist's own reach, a supervisor's
    team, or (an admin) the clinic."""
    return SCOPE_BY_ROLE.get(actor.role) if actor.is_active else None


SCOPE_BY_ROLE: dict[str, Scope] = {
    Role.THERAPIST: Scope.OWN,
    Role.SUPERVISOR: Scope.TEAM,
    Role.ADMIN: Scope.CLINIC,
}
