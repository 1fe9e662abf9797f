"""The supervisor's overview: each supervisee's caseload, alerts, not-on-track clients and
who has not been measured lately, read in one query through the access rule."""

from dataclasses import dataclass, field
from datetime import date

from django.http import Http404
from django.utils import timezone

from strides.accounts.models import Role, User
from strides.accounts.permissions import readable_episodes
from strides.audit.models import Outcome
from strides.audit.services import audit_record
from strides.outcomes.status import overdue_window, status_now


@dataclass(frozen=True)
class SuperviseeClient:
    client_id: int
    name: str
    status: str
    explanation: str
    open_alerts: int
    risk: bool
    last_assessed_on: date | None
    measured_lately: bool  # a measure within the clinic's window (STRIDES_OVERDUE_DAYS)


@dataclass
class Supervisee:
    therapist: User
    clients: list[SuperviseeClient] = field(default_factory=list)

    @property
    def open_alerts(self) -> int:
        return sum(client.open_alerts for client in self.clients)

    @property
    def not_on_track(self) -> list[SuperviseeClient]:
        return [client for client in self.clients if client.status == "not_on_track"]

    @property
    def not_measured(self) -> list[SuperviseeClient]:
        return [client for client in self.clients if not client.measured_lately]


def supervision_overview(*, actor: User) -> list[Supervisee]:
    """For a supervisor only (404 otherwise); one audit event for the page."""
    if not actor.is_active or actor.role != Role.SUPERVISOR:
        audit_record(actor=actor, action="supervision.view", outcome=Outcome.DENIED)
        raise Http404("No such page.")
    audit_record(actor=actor, action="supervision.view")
    team = {
        user.pk: Supervisee(user)
        for user in User.objects.filter(
            supervisors=actor, role=Role.THERAPIST, is_active=True
        ).order_by("first_name", "last_name", "username")
    }
    today = timezone.localdate()
    window = overdue_window()
    episodes = (
        readable_episodes(actor)
        .filter(end__isnull=True, therapist_id__in=list(team))
        .select_related("client", "progress")
        .order_by("client__display_name", "id")
    )
    for episode in episodes:
        progress = getattr(episode, "progress", None)
        last = progress.last_assessed_on if progress else None
        now = status_now(
            status=progress.status if progress else "",
            explanation=progress.status_explanation if progress else "",
            last_assessed_on=last,
            ended=False,
            today=today,
        )
        team[episode.therapist_id].clients.append(
            SuperviseeClient(
                client_id=episode.client_id,
                name=episode.client.display_name,
                status=now.status,
                explanation=now.explanation,
                open_alerts=progress.open_alerts if progress else 0,
                risk=progress.has_open_risk if progress else False,
                last_assessed_on=last,
                measured_lately=last is not None and (today - last).days <= window,
            )
        )
    return list(team.values())
