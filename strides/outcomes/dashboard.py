"""The therapist's day at a glance: caseload rows, what needs attention, this week's wins.

Every list here is a fixed number of queries however large the caseload, and the
caseload is a page of 25 rows built from the stored progress summaries
(tests/test_caseload_performance.py asserts both). Filters and sort orders come from
fixed lists, never from raw input.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Value, When, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from strides.accounts.models import User
from strides.accounts.permissions import readable_episodes
from strides.alerts.models import Alert, AlertStatus
from strides.audit.services import audit_record
from strides.clients.models import AppointmentStatus, Client
from strides.clients.selectors import caseload
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


CASELOAD_PAGE_SIZE = 25
SUMMARY_ITEMS = 3


@dataclass(frozen=True)
class CaseloadRow:
    client: Client
    url: str
    main_name: str
    latest: float | None
    band: str
    status: str
    explanation: str
    sparkline_svg: str
    risk: bool
    open_alerts: int
    days_since_assessment: int | None
    since_last_measure: str  # the same in words: "3 days"
    next_appointment: Any


@dataclass(frozen=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    page: Page[Any]


def _progress(field: str) -> Subquery:
    """The stored progress of the row's current episode (one the actor may read), if open."""
    active = EpisodeProgress.objects.filter(
        episode_id=OuterRef("current_episode"), episode__end__isnull=True
    )
    return Subquery(active.values(field)[:1])


def _next_appointment(actor: User) -> Min:
    """The next scheduled appointment of an open episode the actor may read."""
    return Min(
        "episodes__appointments__at",
        filter=Q(
            episodes__end__isnull=True,
            episodes__in=readable_episodes(actor),
            episodes__appointments__status=AppointmentStatus.SCHEDULED,
            episodes__appointments__at__gte=timezone.now(),
        ),
    )


# What each sort order and filter reads, so the query that orders and pages the whole
# caseload carries only those; the page's 25 rows are filled in afterwards.
SORT_NEEDS: dict[str, dict[str, Callable[[User], Any]]] = {
    "name": {},
    "status": {
        "progress_risk": lambda _actor: _progress("has_open_risk"),
        "progress_open_alerts": lambda _actor: _progress("open_alerts"),
        "progress_status": lambda _actor: _progress("status"),
    },
    "last_assessed": {"progress_last_assessed": lambda _actor: _progress("last_assessed_on")},
    "next_appointment": {"next_appointment": _next_appointment},
}


def _page_facts(
    actor: User, members: list[Any]
) -> tuple[dict[int, EpisodeProgress], dict[int, Any]]:
    """The stored progress of each page client's current episode (the one the caseload
    chose among the episodes the actor may read, when it is open) and their next
    appointment: two queries however long the caseload is."""
    current = {client.current_episode: client.pk for client in members if client.current_episode}
    progress = {
        current[row.episode_id]: row
        for row in EpisodeProgress.objects.filter(
            episode_id__in=list(current), episode__end__isnull=True
        )
    }
    upcoming = dict(
        Client.objects.filter(pk__in=[client.pk for client in members])
        .annotate(next_at=_next_appointment(actor))
        .values_list("pk", "next_at")
    )
    return progress, upcoming


def _in_days(days: int | None) -> str:
    if days is None:
        return "—"
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def caseload_rows(*, actor: User, filters: CaseloadFilters, page: Any = 1) -> CaseloadPage:
    """One page of the caseload (25 rows), ordered and filtered over the whole of it."""
    clients: QuerySet[Client] = caseload(
        actor=actor, query=filters.query, include_ended=filters.include_ended
    )
    today = timezone.localdate()
    needs = dict(SORT_NEEDS[filters.sort])
    if filters.status:
        needs["progress_status"] = lambda _actor: _progress("status")
        needs["progress_last_assessed"] = lambda _actor: _progress("last_assessed_on")
    if filters.risk_only:
        needs["progress_risk"] = lambda _actor: _progress("has_open_risk")
    clients = clients.annotate(**{name: make(actor) for name, make in needs.items()})
    if filters.status == "unmeasured":
        clients = clients.filter(Q(progress_status="") | Q(progress_status__isnull=True))
    elif filters.status:
        clients = clients.filter(
            status_filter(
                filters.status,
                today=today,
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
    current = Paginator(clients.order_by(*order), CASELOAD_PAGE_SIZE).get_page(page)
    members: list[Any] = list(current.object_list)  # Clients carrying the annotations
    progress, upcoming = _page_facts(actor, members)
    rows = []
    for client in members:
        stored = progress.get(client.pk)
        last = stored.last_assessed_on if stored else None
        days = (today - last).days if last else None
        measures: dict[str, Any] = stored.measures if stored else {}
        main = measures.get(stored.main_instrument if stored else "") or next(
            iter(measures.values()), None
        )
        shown = status_now(
            status=stored.status if stored else "",
            explanation=stored.status_explanation if stored else "",
            last_assessed_on=last,
            ended=False,
            today=today,
        )
        rows.append(
            CaseloadRow(
                client=client,
                url=reverse("client_detail", args=[client.pk]),
                main_name=main["name"] if main else "",
                latest=main["latest"] if main else None,
                band=main.get("severity_band", "") if main else "",
                status=shown.status,
                explanation=shown.explanation,
                sparkline_svg=main.get("sparkline", "") if main else "",
                risk=bool((stored and stored.has_open_risk) or client.risk_endorsed),
                open_alerts=stored.open_alerts if stored else 0,
                days_since_assessment=days,
                since_last_measure=_in_days(days),
                next_appointment=upcoming.get(client.pk),
            )
        )
    return CaseloadPage(rows=rows, page=current)


@dataclass(frozen=True)
class Summary:
    """A side panel of the caseload: how many, and the first few."""

    count: int
    top: list[Any]


def summary_of(items: QuerySet[Any]) -> Summary:
    """Two queries: the count and the first items (never the whole list)."""
    return Summary(count=items.count(), top=list(items[:SUMMARY_ITEMS]))


def needs_attention(
    *, actor: User, today: date | None = None, audited: bool = True
) -> QuerySet[Alert]:
    """Open alerts across the visible caseload, snoozed ones hidden until their day,
    ordered so that each client's alerts come together: clients with an open risk alert
    first, then clients by their most recent alert; within a client, risk first, then
    newest. One query however many alerts (the client figures are window functions), so
    it can be counted, sliced and paginated; `group_by_client` turns a page into groups.
    `audited=False` for the caseload's summary, whose read is the caseload's event.
    """
    day = today or timezone.localdate()
    if audited:
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


def wins_this_week(
    *, actor: User, today: date | None = None, audited: bool = True
) -> QuerySet[Milestone]:
    """Milestones of the last seven days across the visible caseload, uncelebrated first,
    then newest. `audited=False` for the caseload's summary, whose read is the caseload's
    event."""
    day = today or timezone.localdate()
    if audited:
        audit_record(actor=actor, action="wins.view")
    return (
        Milestone.objects.filter(
            episode__in=readable_episodes(actor),
            occurred_on__gt=day - timedelta(days=WINS_DAYS),
        )
        .select_related("episode__client", "celebrated_by", "celebration_message")
        .order_by(F("celebrated_at").asc(nulls_first=True), "-occurred_on", "-id")
    )
