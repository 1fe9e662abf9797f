"""The therapist's day at a glance: caseload rows, what needs attention, this week's wins.

Every list here is a fixed number of queries however large the caseload (the caseload
test asserts it). Filters and sort orders come from fixed lists, never from raw input.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Value, When, Window
from django.db.models.fields.json import JSONField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strides.accounts.models import User
from strides.accounts.permissions import readable_episodes
from strides.alerts.models import Alert, AlertStatus
from strides.audit.services import audit_record
from strides.clients.models import AppointmentStatus, Client
from strides.clients.selectors import caseload
from strides.lib.svg import sparkline
from strides.milestones.models import Milestone
from strides.outcomes.models import EpisodeProgress
from strides.outcomes.status import OVERDUE, status_filter, status_now

STATUS_FILTERS = {
    "": _("Any status"),
    "not_on_track": _("Not on track"),
    "on_track": _("On track"),
    "recovered": _("Recovered"),
    "too_early": _("Too early to tell"),
    OVERDUE: _("Overdue for a measure"),
    "unmeasured": _("No measures yet"),
}
SORTS = {
    "name": (_("Name"), ["display_name", "id"]),
    "status": (
        _("Needs attention first"),
        ["-progress_risk", "-progress_open_alerts", "progress_status", "display_name"],
    ),
    "last_assessed": (_("Longest since last measure"), ["progress_last_assessed", "display_name"]),
    "next_appointment": (_("Next appointment"), ["next_appointment", "display_name"]),
}


@dataclass(frozen=True)
class CaseloadFilters:
    query: str = ""
    include_ended: bool = False
    status: str = ""
    risk_only: bool = False
    sort: str = "status"

    @classmethod
    def from_query(cls, params: Any) -> "CaseloadFilters":
        status = params.get("status", "")
        sort = params.get("sort", "status")
        return cls(
            query=params.get("q", "").strip()[:120],
            include_ended=params.get("ended") == "1",
            status=status if status in STATUS_FILTERS else "",
            risk_only=params.get("risk") == "1",
            sort=sort if sort in SORTS else "status",
        )


@dataclass(frozen=True)
class CaseloadRow:
    client: Client
    main_name: str
    latest: float | None
    band: str
    status: str
    explanation: str
    sparkline_svg: str
    risk: bool
    open_alerts: int
    days_since_assessment: int | None
    next_appointment: Any


def _progress(field: str, output_field: Any = None) -> Subquery:
    """The stored progress of the row's current episode (one the actor may read), if open."""
    active = EpisodeProgress.objects.filter(
        episode_id=OuterRef("current_episode"), episode__end__isnull=True
    )
    return Subquery(active.values(field)[:1], output_field=output_field)


def caseload_rows(*, actor: User, filters: CaseloadFilters) -> list[CaseloadRow]:
    clients: QuerySet[Client] = caseload(
        actor=actor, query=filters.query, include_ended=filters.include_ended
    ).annotate(
        progress_status=_progress("status"),
        progress_main=_progress("main_instrument"),
        progress_measures=_progress("measures", JSONField()),
        progress_explanation=_progress("status_explanation"),
        progress_open_alerts=_progress("open_alerts"),
        progress_risk=_progress("has_open_risk"),
        progress_last_assessed=_progress("last_assessed_on"),
        next_appointment=Min(
            "episodes__appointments__at",
            filter=Q(
                episodes__end__isnull=True,
                episodes__in=readable_episodes(actor),
                episodes__appointments__status=AppointmentStatus.SCHEDULED,
                episodes__appointments__at__gte=timezone.now(),
            ),
        ),
    )
    if filters.status == "unmeasured":
        clients = clients.filter(Q(progress_status="") | Q(progress_status__isnull=True))
    elif filters.status:
        clients = clients.filter(
            status_filter(
                filters.status,
                today=timezone.localdate(),
                status_field="progress_status",
                last_field="progress_last_assessed",
            )
        )
    if filters.risk_only:
        clients = clients.filter(Q(progress_risk=True) | Q(risk_endorsed=True))
    order = [
        F(name[1:]).desc(nulls_last=True) if name.startswith("-") else F(name).asc(nulls_last=True)
        for name in SORTS[filters.sort][1]
    ]
    today = timezone.localdate()
    rows = []
    annotated: Any  # a Client carrying the annotations above
    for annotated in clients.order_by(*order):
        client = annotated
        measures: dict[str, Any] = client.progress_measures or {}
        main = measures.get(client.progress_main or "") or next(iter(measures.values()), None)
        last = client.progress_last_assessed
        shown = status_now(
            status=client.progress_status or "",
            explanation=client.progress_explanation or "",
            last_assessed_on=last,
            ended=False,
            today=today,
        )
        rows.append(
            CaseloadRow(
                client=client,
                main_name=main["name"] if main else "",
                latest=main["latest"] if main else None,
                band=main.get("severity_band", "") if main else "",
                status=shown.status,
                explanation=shown.explanation,
                sparkline_svg=sparkline(main["recent"]) if main and len(main["recent"]) > 1 else "",
                risk=bool(client.progress_risk or client.risk_endorsed),
                open_alerts=client.progress_open_alerts or 0,
                days_since_assessment=(today - last).days if last else None,
                next_appointment=client.next_appointment,
            )
        )
    return rows


def needs_attention(*, actor: User, today: date | None = None) -> QuerySet[Alert]:
    """Open alerts across the visible caseload, snoozed ones hidden until their day,
    ordered so that each client's alerts come together: clients with an open risk alert
    first, then clients by their most recent alert; within a client, risk first, then
    newest. One query however many alerts (the client figures are window functions), so
    it can be counted, sliced and paginated; `group_by_client` turns a page into groups.
    """
    day = today or timezone.localdate()
    audit_record(actor=actor, action="attention.view")
    client = [F("episode__client_id")]
    return (
        Alert.objects.filter(
            episode__in=readable_episodes(actor),
            status=AlertStatus.OPEN,
        )
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=day))
        .select_related("episode__client")
        .annotate(
            client_risk=Window(
                Max(Case(When(immediate=True, then=Value(1)), default=Value(0))),
                partition_by=client,
            ),
            client_latest=Window(Max("latest_on"), partition_by=client),
        )
        .order_by(
            "-client_risk",
            "-client_latest",
            "episode__client_id",
            "-immediate",
            "-latest_on",
            "-id",
        )
    )


@dataclass(frozen=True)
class AttentionGroup:
    """One client's open alerts, as Needs attention shows them."""

    client: Client
    alerts: list[Alert]

    @property
    def has_risk(self) -> bool:
        return any(alert.immediate for alert in self.alerts)


def group_by_client(alerts: Iterable[Alert]) -> list[AttentionGroup]:
    """Consecutive alerts of one client (as `needs_attention` orders them) in one group."""
    groups: list[AttentionGroup] = []
    for alert in alerts:
        client = alert.episode.client
        if groups and groups[-1].client.pk == client.pk:
            groups[-1].alerts.append(alert)
        else:
            groups.append(AttentionGroup(client=client, alerts=[alert]))
    return groups


WINS_DAYS = 7


def wins_this_week(*, actor: User, today: date | None = None) -> QuerySet[Milestone]:
    """Milestones of the last seven days across the visible caseload, newest first."""
    day = today or timezone.localdate()
    audit_record(actor=actor, action="wins.view")
    return (
        Milestone.objects.filter(
            episode__in=readable_episodes(actor),
            occurred_on__gt=day - timedelta(days=WINS_DAYS),
        )
        .select_related("episode__client", "celebrated_by", "celebration_message")
        .order_by(F("celebrated_at").asc(nulls_first=True), "-occurred_on", "-id")
    )
