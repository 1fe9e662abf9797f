"""The therapist's day at a glance: caseload rows, what needs attention, this week's wins.

Every list here is a fixed number of queries however large the caseload, and the
caseload is a page of 25 rows built from the stored progress summaries
(tests/test_caseload_performance.py asserts both). Filters and sort orders come from
fixed lists, never from raw input.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from strides.accounts.models import User
from strides.accounts.permissions import readable_episodes
from strides.alerts.models import Alert, AlertStatus
from strides.assessments.selectors import risk_endorsed_clients
from strides.audit.services import audit_record
from strides.clients.models import Appointment, AppointmentStatus, Client, Episode
from strides.clients.selectors import caseload
from strides.lib.ids_first import IdsFirst
from strides.milestones.models import Milestone, MilestoneKind
from strides.outcomes.headline import short_reason
from strides.outcomes.models import EpisodeProgress
from strides.outcomes.plan import (
    band_of_score,
    band_words,
    lower_is_better,
    measure_name,
    planned_measures,
)
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
BY_NAME = ["client__display_name", "client_id"]
SORTS = {
    "name": (_("Name"), BY_NAME),
    "status": (
        _("Needs attention first"),
        ["-progress_risk", "-progress_open_alerts", "progress_status", *BY_NAME],
    ),
    "last_assessed": (_("Longest since last measure"), ["progress_last_assessed", *BY_NAME]),
    "next_appointment": (_("Next appointment"), ["next_appointment", *BY_NAME]),
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
class RowMeasure:
    """One planned measure of a caseload row: its latest score, band and sparkline, or
    none yet (`latest` is None)."""

    code: str
    name: str
    latest: float | None
    band_label: str
    band_level: int | None
    sparkline_svg: str


@dataclass(frozen=True)
class CaseloadRow:
    client: Client
    open: bool  # the current episode is open (an ended one shows only with "ended")
    therapist_name: str  # the current episode's therapist
    url: str
    measures: list[RowMeasure]  # every planned measure, the main one first
    main_name: str
    latest: float | None
    band: str
    status: str
    explanation: str  # the full sentence behind the status, with its numbers
    reason: str  # the same in one short line, shown under the status
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


def _progress(field: str) -> Case:
    """The stored progress of the row's current episode, while it is open."""
    return Case(When(end__isnull=True, then=F(f"progress__{field}")))


def _upcoming(actor: User, *, episode: str, appointment: str) -> Q:
    """The rule of a client's next appointment, from wherever a query stands: a scheduled,
    future appointment of an open episode the actor may read. `episode` and `appointment`
    are the lookup paths to the episode and to the appointment ("" for the model itself)."""
    return Q(
        **{
            f"{episode}end__isnull": True,
            f"{episode}in": readable_episodes(actor),
            f"{appointment}status": AppointmentStatus.SCHEDULED,
            f"{appointment}at__gte": timezone.now(),
        }
    )


def _next_appointment(actor: User) -> Min:
    """For caseload rows (episodes), to sort the whole caseload: the client's next
    appointment (a join and an aggregate, not a lookup per row)."""
    episodes = "client__episodes__"
    return Min(
        f"{episodes}appointments__at",
        filter=_upcoming(actor, episode=episodes, appointment=f"{episodes}appointments__"),
    )


def _page_next_appointment(actor: User) -> Subquery:
    """`_next_appointment` for the 25 rows of one page: a lookup per row, which for a
    page is cheaper than the join and GROUP BY the whole caseload's sort needs."""
    upcoming = Appointment.objects.filter(
        _upcoming(actor, episode="episode__", appointment=""),
        episode__client_id=OuterRef("client_id"),
    )
    return Subquery(upcoming.order_by("at").values("at")[:1])


def _risk_endorsed(actor: User, episodes: QuerySet[Episode] | None = None) -> ExpressionWrapper:
    """For caseload rows: the client's latest risk-capable answer (among the episodes the
    actor may read, or `episodes` of them) endorsed a risk item."""
    readable = readable_episodes(actor) if episodes is None else episodes
    return ExpressionWrapper(
        Q(client_id__in=risk_endorsed_clients(episodes=readable)), output_field=BooleanField()
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


def _page_episodes(actor: User, ids: list[int]) -> list[tuple[Episode, bool, datetime | None]]:
    """The page's current episodes, in the page's order, with client, therapist, stored
    progress and next appointment in one query, risk in a second, for the 25 rows however
    long the caseload is (the query that orders the whole caseload carries only ids)."""
    found = {
        episode.pk: episode
        for episode in Episode.objects.filter(pk__in=ids)
        .select_related("client", "therapist", "progress")
        .annotate(next_at=_page_next_appointment(actor))
    }
    clients = [episode.client_id for episode in found.values()]
    page_readable = readable_episodes(actor).filter(client_id__in=clients)
    at_risk = set(
        risk_endorsed_clients(episodes=page_readable).values_list("episode__client_id", flat=True)
    )
    rows = [found[pk] for pk in ids if pk in found]
    return [(episode, episode.client_id in at_risk, episode.next_at) for episode in rows]


def _stored_progress(episode: Episode | None) -> EpisodeProgress | None:
    """The episode's stored progress while it is open (an ended row shows none)."""
    if episode is None or episode.end is not None:
        return None
    try:
        return episode.progress
    except EpisodeProgress.DoesNotExist:
        return None


def _row_measures(episode: Episode | None, stored: EpisodeProgress | None) -> list[RowMeasure]:
    measures: dict[str, Any] = stored.measures if stored else {}
    if episode is None or episode.end is not None:
        codes = list(measures)
    else:
        codes = planned_measures(anxiety_measure=episode.anxiety_measure, measured=measures)
    main = stored.main_instrument if stored else ""
    if main in codes:
        codes.remove(main)
        codes.insert(0, main)
    rows = []
    for code in codes:
        summary = measures.get(code)
        words = band_words(code, summary.get("severity_band", "")) if summary else None
        rows.append(
            RowMeasure(
                code=code,
                name=summary["name"] if summary else measure_name(code),
                latest=summary["latest"] if summary else None,
                band_label=words.label if words else "",
                band_level=words.level if words else None,
                sparkline_svg=summary.get("sparkline", "") if summary else "",
            )
        )
    return rows


def _in_days(days: int | None) -> str:
    if days is None:
        return "—"
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def caseload_rows(*, actor: User, filters: CaseloadFilters, page: Any = 1) -> CaseloadPage:
    """One page of the caseload (25 rows), ordered and filtered over the whole of it."""
    episodes: QuerySet[Episode] = caseload(
        actor=actor, query=filters.query, include_ended=filters.include_ended
    )
    today = timezone.localdate()
    needs = dict(SORT_NEEDS[filters.sort])
    if filters.status:
        needs["progress_status"] = lambda _actor: _progress("status")
        needs["progress_last_assessed"] = lambda _actor: _progress("last_assessed_on")
    if filters.risk_only:
        needs["progress_risk"] = lambda _actor: _progress("has_open_risk")
        needs["risk_endorsed"] = _risk_endorsed
    episodes = episodes.annotate(**{name: make(actor) for name, make in needs.items()})
    if filters.status == "unmeasured":
        episodes = episodes.filter(Q(progress_status="") | Q(progress_status__isnull=True))
    elif filters.status:
        episodes = episodes.filter(
            status_filter(
                filters.status,
                today=today,
                status_field="progress_status",
                last_field="progress_last_assessed",
            )
        )
    if filters.risk_only:
        episodes = episodes.filter(Q(progress_risk=True) | Q(risk_endorsed=True))
    order = [
        F(name[1:]).desc(nulls_last=True) if name.startswith("-") else F(name).asc(nulls_last=True)
        for name in SORTS[filters.sort][1]
    ]
    ordered = episodes.order_by(*order).values_list("pk", flat=True)
    current = Paginator(ordered, CASELOAD_PAGE_SIZE).get_page(page)
    rows = []
    for episode, risk_endorsed, next_at in _page_episodes(actor, list(current.object_list)):
        client = episode.client
        open_now = episode.end is None
        stored = _stored_progress(episode)
        last = stored.last_assessed_on if stored else None
        days = (today - last).days if last else None
        measures = _row_measures(episode, stored)
        main = measures[0] if measures and measures[0].latest is not None else None
        shown = status_now(
            status=stored.status if stored else "",
            explanation=stored.status_explanation if stored else "",
            last_assessed_on=last,
            ended=False,
            today=today,
        )
        main_code = stored.main_instrument if stored else ""
        reason = short_reason(
            status=shown.status,
            summary=stored.measures.get(main_code) if stored else None,
            lower_is_better=lower_is_better(main_code),
            explanation=shown.explanation,
        )
        if not reason and open_now and measures:
            reason = str(_("No measures yet: give %(name)s to set a baseline.")) % {
                "name": measures[0].name
            }
        rows.append(
            CaseloadRow(
                client=client,
                open=open_now,
                therapist_name=episode.therapist.username,
                url=reverse("client_detail", args=[client.pk]),
                measures=measures,
                main_name=main.name if main else "",
                latest=main.latest if main else None,
                band=main.band_label if main else "",
                status=shown.status,
                explanation=shown.explanation,
                reason=reason,
                sparkline_svg=main.sparkline_svg if main else "",
                risk=bool((stored and stored.has_open_risk) or risk_endorsed),
                open_alerts=stored.open_alerts if stored else 0,
                days_since_assessment=days,
                since_last_measure=_in_days(days),
                next_appointment=next_at,
            )
        )
    return CaseloadPage(rows=rows, page=current)


@dataclass(frozen=True)
class Summary:
    """A side panel of the caseload: how many, and the first few."""

    count: int
    top: list[Any]


def _summary_of(items: IdsFirst[Any]) -> Summary:
    """Two queries: the count with the first items' ids, then those items."""
    count, top = items.head(SUMMARY_ITEMS)
    return Summary(count=count, top=top)


def attention_summary(*, actor: User) -> Summary:
    """Needs attention beside the caseload (whose read is the audit event for both)."""
    return _summary_of(attention_list(actor=actor, audited=False))


def wins_summary(*, actor: User) -> Summary:
    """Wins this week beside the caseload (whose read is the audit event for both)."""
    return _summary_of(wins_list(actor=actor, audited=False))


def attention_list(*, actor: User, audited: bool = True) -> IdsFirst[Alert]:
    """Needs attention as a page reads it: ordered by ids, then the rows shown."""
    return IdsFirst(needs_attention(actor=actor, audited=audited), _attention_rows())


def wins_list(*, actor: User, audited: bool = True) -> IdsFirst[Milestone]:
    """Wins this week as a page reads it: ordered by ids, then the rows shown."""
    return IdsFirst(wins_this_week(actor=actor, audited=audited), _win_rows())


def _attention_rows() -> QuerySet[Alert]:
    """How one alert of Needs attention is read: with its episode and client."""
    return Alert.objects.select_related("episode__client")


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
        _attention_rows()
        .filter(
            episode__in=readable_episodes(actor),
            status=AlertStatus.OPEN,
        )
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=day))
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
# What a win means, biggest first: recovery and the first score below the cut-off above
# the first reliable improvement, above goals, above attendance. A baseline is where the
# work starts, not a celebration, so it is not a win.
WIN_RANKS = (
    (MilestoneKind.RELIABLE_RECOVERY, 0),
    (MilestoneKind.BELOW_CUTOFF, 1),
    (MilestoneKind.ENDING_WELL, 2),
    (MilestoneKind.FIRST_RELIABLE_IMPROVEMENT, 3),
    (MilestoneKind.GOAL_IMPROVED, 4),
    (MilestoneKind.GOAL_HIGH, 5),
    (MilestoneKind.MANUAL, 5),
    (MilestoneKind.ATTENDANCE, 6),
)
BIG_WIN_RANK = 1  # ranks up to this get a before → after picture
NOT_A_WIN = (MilestoneKind.FIRST_MEASURE,)


def _win_rank() -> Case:
    return Case(*(When(kind=kind, then=Value(n)) for kind, n in WIN_RANKS), default=Value(9))


def _win_rows() -> QuerySet[Milestone]:
    """How one win is read: with its client, who celebrated it and the message, and its
    rank (`WIN_RANKS`)."""
    return Milestone.objects.select_related(
        "episode__client", "celebrated_by", "celebration_message"
    ).annotate(win_rank=_win_rank())


def wins_this_week(
    *, actor: User, today: date | None = None, audited: bool = True
) -> QuerySet[Milestone]:
    """Milestones of the last seven days across the visible caseload, grouped by client
    and ranked by what they mean: clients with the biggest win first; within a client,
    the biggest first, then those not celebrated yet, then newest. One query however
    many (window functions), so it can be counted, sliced and paginated; `group_wins`
    turns a page into groups.
    `audited=False` for the caseload's summary, whose read is the caseload's event."""
    day = today or timezone.localdate()
    if audited:
        audit_record(actor=actor, action="wins.view")
    rank = _win_rank()
    client = [F("episode__client_id")]
    return (
        _win_rows()
        .filter(
            episode__in=readable_episodes(actor),
            occurred_on__gt=day - timedelta(days=WINS_DAYS),
        )
        .exclude(kind__in=NOT_A_WIN)
        .annotate(
            client_best=Window(Min(rank), partition_by=client),
            client_latest=Window(Max("occurred_on"), partition_by=client),
        )
        .order_by(
            "client_best",
            "-client_latest",
            "episode__client_id",
            F("win_rank").asc(),
            F("celebrated_at").asc(nulls_first=True),  # the ones still waiting first
            "-occurred_on",
            "-id",
        )
    )


@dataclass(frozen=True)
class Win:
    """A milestone as Wins shows it; a big one carries its before → after."""

    milestone: Milestone
    big: bool
    name: str = ""
    before: float | None = None
    after: float | None = None
    before_band: Any = None
    after_band: Any = None


@dataclass(frozen=True)
class WinGroup:
    client: Client
    wins: list[Win]


def _win(milestone: Milestone) -> Win:
    evidence = milestone.evidence or {}
    big = getattr(milestone, "win_rank", 9) <= BIG_WIN_RANK
    code = evidence.get("instrument", milestone.instrument)
    if not big or "intake" not in evidence or "score" not in evidence or not code:
        return Win(milestone=milestone, big=big)
    before, after = float(evidence["intake"]), float(evidence["score"])
    return Win(
        milestone=milestone,
        big=True,
        name=measure_name(code),
        before=before,
        after=after,
        before_band=band_of_score(code, before),
        after_band=band_of_score(code, after),
    )


def group_wins(milestones: Iterable[Milestone]) -> list[WinGroup]:
    """Consecutive wins of one client (as `wins_this_week` orders them) in one group."""
    groups: list[WinGroup] = []
    for milestone in milestones:
        client = milestone.episode.client
        if groups and groups[-1].client.pk == client.pk:
            groups[-1].wins.append(_win(milestone))
        else:
            groups.append(WinGroup(client=client, wins=[_win(milestone)]))
    return groups
