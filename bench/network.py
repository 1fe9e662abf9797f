"""A synthetic clinic network, bulk-loaded so a million assessments take minutes, not days.

Every row is what the application itself would store: answers scored by
`strides.instruments.score`, progress summaries, alerts and milestones computed by the
pure progress engine from the same histories (not one service call per episode). One
client, the client-page case, goes through the real `progress_refresh` service.
All names are synthetic.
"""

import random
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from bench.rows import Ids, insert_rows, reset_sequences
from strides.accounts.models import Role, User
from strides.alerts.models import Alert
from strides.assessments.models import Assessment, Mode
from strides.audit.services import audit_record
from strides.clients.models import (
    AnxietyMeasure,
    Appointment,
    AppointmentStatus,
    Client,
    EndReason,
    Episode,
)
from strides.instruments import get_instrument, score
from strides.milestones.models import Milestone
from strides.milestones.services import milestone_values
from strides.outcomes.models import EpisodeProgress
from strides.outcomes.rules import measure_rules, trajectory_params
from strides.outcomes.services import (
    episode_measures,
    main_instrument,
    progress_refresh,
    talking_therapies_summary,
)
from strides.progress import (
    EpisodeHistory,
    MeasureRule,
    Observation,
    TrajectoryParams,
    detect_alerts,
    detect_milestones,
)
from strides.progress.alerts import SELF_CLOSING_KINDS

BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105  (synthetic accounts in a throwaway db)
SMALL_THERAPIST = "bench150"
LARGE_THERAPIST = "bench1500"
CLIENT_PAGE_INSTRUMENTS = ("phq9", "gad7", "core10")
CLIENT_PAGE_ASSESSMENTS = 40
REGULAR_CASELOAD = 50  # active clients of every other therapist in the network
CHUNK_CLIENTS = 1000
COURSES = ((18, 6), (15, 14), (11, 20), (17, 3), (21, 12))  # (intake, final) PHQ-9 totals


@dataclass(frozen=True)
class NetworkSize:
    clients: int
    episodes: int
    assessments: int
    small_caseload: int
    large_caseload: int

    @classmethod
    def scaled(cls, scale: float) -> "NetworkSize":
        """The default network (50,000 clients, 100,000 episodes, 1,000,000 assessments)
        times `scale`. The two measured caseloads are 150 and 1,500 active clients while
        they fit in 85 % of the network, and shrink with it below that."""
        if scale <= 0:
            raise ValueError("the scale must be above 0")
        clients = max(20, round(50_000 * scale))
        size = cls(
            clients=clients,
            episodes=max(clients, round(100_000 * scale)),
            assessments=max(clients, round(1_000_000 * scale)),
            small_caseload=150,
            large_caseload=1_500,
        )
        return size.fitted()

    def fitted(self) -> "NetworkSize":
        """The same network with its measured caseloads shrunk to fit in 85 % of it."""
        room = 0.85 * self.clients / (self.small_caseload + self.large_caseload)
        if room >= 1:
            return self
        return replace(
            self,
            small_caseload=max(2, int(self.small_caseload * room)),
            large_caseload=max(2, int(self.large_caseload * room)),
        )


@dataclass
class LoadedNetwork:
    counts: dict[str, int] = field(default_factory=dict)
    client_page_id: int = 0


@dataclass(frozen=True)
class _EpisodePlan:
    therapist: User
    start: date
    end: date | None
    sessions: int
    course: tuple[int, int]


@dataclass(frozen=True)
class _Engine:
    rules: dict[str, MeasureRule]
    params: Mapping[str, TrajectoryParams]


class _Scores:
    """One scored answer set per (instrument, total), reused: scoring is the same rule
    for every row, so scoring it a million times would only time the scorer."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int], dict[str, Any]] = {}

    def row(self, code: str, total: int) -> dict[str, Any]:
        key = (code, max(0, total))
        if key not in self.cache:
            instrument = get_instrument(code)
            answers: dict[int, int | None] = {}
            remaining = key[1]
            for item in instrument.items:
                answers[item.number] = min(max(o.value for o in item.options), remaining)
                remaining -= answers[item.number] or 0
            result = score(code, answers)
            self.cache[key] = {
                "instrument_version": instrument.version,
                "answers": {str(n): v for n, v in answers.items()},
                "total": result.total,
                "band": result.band or "",
                "subscales": result.subscales,
                "subscale_bands": result.subscale_bands,
                "percentage": result.percentage,
                "flags": sorted(result.flags),
                "has_risk": "risk" in result.flags,
                "risk_items": list(result.risk_items_endorsed),
            }
        return self.cache[key]


def _chunks[T](items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _users(size: NetworkSize) -> tuple[User, User, list[User]]:
    template = User(username="template")
    template.set_password(BENCH_PASSWORD)
    regular = max(1, (size.clients - size.small_caseload - size.large_caseload) // REGULAR_CASELOAD)
    names = [SMALL_THERAPIST, LARGE_THERAPIST] + [f"therapist{n:05d}" for n in range(regular)]
    users = User.objects.bulk_create(
        User(username=name, role=Role.THERAPIST, password=template.password) for name in names
    )
    return users[0], users[1], users[2:]


def _plans(rng: random.Random, size: NetworkSize, today: date) -> list[list[_EpisodePlan]]:
    """Per client, its episodes oldest first: the last one open, earlier ones ended."""
    small, large, regular = _users(size)
    # The client-page case (made last) is the small caseload's last client.
    owners = [small] * (size.small_caseload - 1) + [large] * size.large_caseload
    owners += [regular[i % len(regular)] for i in range(size.clients - len(owners))]
    extra = size.episodes - size.clients  # clients with an earlier, ended episode
    per_episode = max(1, size.assessments // size.episodes // 2)  # PHQ-9 + GAD-7 sessions
    plans = []
    for index, therapist in enumerate(owners):
        course = COURSES[index % len(COURSES)]
        sessions = max(1, per_episode + rng.randint(-2, 2))
        last = today - timedelta(days=rng.randrange(0, 21))
        current = _EpisodePlan(
            therapist, last - timedelta(weeks=sessions - 1), None, sessions, course
        )
        episodes = [current]
        if index < extra:
            end = current.start - timedelta(days=rng.randrange(30, 400))
            earlier = _EpisodePlan(
                therapist, end - timedelta(weeks=per_episode), end, per_episode, course
            )
            episodes.insert(0, earlier)
        plans.append(episodes)
    return plans


def _episode_rows(
    rng: random.Random, ids: Ids, plans: list[list[_EpisodePlan]], offset: int
) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], _EpisodePlan]]]:
    now = timezone.now()
    clients = []
    pairs = []
    for index, episodes in enumerate(plans):
        client = {
            "id": ids.next(Client),
            "display_name": f"Client {offset + index + 1:06d}",
            "created_at": now,
            "updated_at": now,
        }
        clients.append(client)
        for plan in episodes:
            episode = {
                "id": ids.next(Episode),
                "client_id": client["id"],
                "therapist_id": plan.therapist.pk,
                "start": plan.start,
                "end": plan.end,
                "end_reason": rng.choice([EndReason.PLANNED, EndReason.DROPPED_OUT])
                if plan.end
                else "",
                "created_at": now,
            }
            pairs.append((episode, plan))
    return clients, pairs


def _zoned(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _session_rows(
    rng: random.Random, ids: Ids, scores: _Scores, episode_id: int, plan: _EpisodePlan
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    days = [plan.start + timedelta(weeks=week) for week in range(plan.sessions)]
    appointments = [
        {
            "id": ids.next(Appointment),
            "episode_id": episode_id,
            "at": _zoned(day),
            "status": AppointmentStatus.ATTENDED,
        }
        for day in days
    ]
    if plan.end is None:
        upcoming = max(days[-1] + timedelta(weeks=1), timezone.localdate() + timedelta(days=1))
        appointments.append(
            {"id": ids.next(Appointment), "episode_id": episode_id, "at": _zoned(upcoming)}
        )
    intake, final = plan.course
    assessments = []
    for session, day in enumerate(days):
        share = session / max(1, plan.sessions - 1)
        phq9 = round(intake + (final - intake) * share + rng.gauss(0, 1.5))
        for code, total in (("phq9", phq9), ("gad7", round(phq9 * 0.75))):
            assessments.append(
                {
                    "id": ids.next(Assessment),
                    "episode_id": episode_id,
                    "instrument_code": code,
                    "mode": Mode.IN_SESSION,
                    "taken_on": day,
                    "entered_by_id": plan.therapist.pk,
                    "submission_key": uuid.UUID(int=rng.getrandbits(128)),
                    **scores.row(code, total),
                }
            )
    return appointments, assessments


def _history(plan: _EpisodePlan, assessments: list[dict[str, Any]]) -> EpisodeHistory:
    dates = [plan.start + timedelta(weeks=week) for week in range(plan.sessions)]
    observations = [
        Observation(
            assessment_id=a["id"],
            instrument=a["instrument_code"],
            when=a["taken_on"],
            session=dates.index(a["taken_on"]) + 1,
            total=a["total"],
            flags=frozenset(a["flags"]),
        )
        for a in assessments
    ]
    return EpisodeHistory(
        observations=observations,
        goal_ratings=[],
        attended_sessions=len(dates),
        ended=plan.end is not None,
        end_reason=None,
        missed_in_row=0,
        attended_dates=dates,
        ended_on=plan.end,
    )


@dataclass
class _Derived:
    progress: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)


def _derive(
    engine: _Engine,
    ids: Ids,
    episode_id: int,
    plan: _EpisodePlan,
    assessments: list[dict[str, Any]],
    into: _Derived,
) -> None:
    """What `progress_refresh` would store for the episode, from the pure engine."""
    rules, params = engine.rules, engine.params
    history = _history(plan, assessments)
    reading = detect_alerts(history, rules, trajectory_params=params)
    # What alerts_sync keeps open: risk alerts, and self-closing ones whose condition holds.
    holding = {condition.key for condition in reading.now if condition.holds}
    alerts = [
        {
            "id": ids.next(Alert),
            "episode_id": episode_id,
            "kind": a.kind,
            "key": a.key,
            "instrument": a.instrument or "",
            "source_id": a.source_id,
            "occurred_on": a.when,
            "latest_on": a.when,
            "evidence": a.evidence,
            "summary": a.summary,
            "immediate": a.immediate,
        }
        for a in reading.raised
        if a.kind not in SELF_CLOSING_KINDS or a.key in holding
    ]
    into.alerts += alerts
    into.milestones += (
        {"id": ids.next(Milestone), "episode_id": episode_id, **milestone_values(m)}
        for m in detect_milestones(history, rules)
    )
    bands = {a["instrument_code"]: a["band"] for a in assessments if a["total"] is not None}
    measures = episode_measures(history, rules, bands, params)
    main = main_instrument(measures)
    into.progress.append(
        {
            "id": ids.next(EpisodeProgress),
            "episode_id": episode_id,
            "refreshed_at": timezone.now(),
            "last_assessed_on": assessments[-1]["taken_on"] if assessments else None,
            "main_instrument": main,
            "status": measures[main]["status"] if main else "",
            "status_explanation": measures[main]["explanation"] if main else "",
            "measures": measures,
            "talking_therapies": talking_therapies_summary(
                anxiety_measure=AnxietyMeasure.GAD7,
                ended=plan.end is not None,
                measures=measures,
                treatment_sessions=history.treatment_sessions,
            ),
            "open_alerts": len(alerts),
            "has_open_risk": any(a["immediate"] for a in alerts),
        }
    )


def _load_chunk(
    rng: random.Random,
    ids: Ids,
    scores: _Scores,
    engine: _Engine,
    plans: list[list[_EpisodePlan]],
    offset: int,
) -> dict[str, int]:
    clients, pairs = _episode_rows(rng, ids, plans, offset)
    appointments: list[dict[str, Any]] = []
    assessments: list[dict[str, Any]] = []
    derived = _Derived()
    for episode, plan in pairs:
        booked, taken = _session_rows(rng, ids, scores, episode["id"], plan)
        appointments += booked
        assessments += taken
        _derive(engine, ids, episode["id"], plan, taken, derived)
    insert_rows(Client, clients)
    insert_rows(Episode, [episode for episode, _plan in pairs])
    insert_rows(Appointment, appointments)
    insert_rows(Assessment, assessments)
    insert_rows(EpisodeProgress, derived.progress)
    insert_rows(Alert, derived.alerts)
    insert_rows(Milestone, derived.milestones)
    return {
        "clients": len(clients),
        "episodes": len(pairs),
        "appointments": len(appointments),
        "assessments": len(assessments),
        "alerts": len(derived.alerts),
        "milestones": len(derived.milestones),
    }


def _client_page_case(rng: random.Random, scores: _Scores, therapist: User, today: date) -> int:
    """A client of the small caseload with three instruments of 40 assessments each,
    refreshed through the real service."""
    client = Client.objects.create(display_name="Client page case")
    start = today - timedelta(weeks=CLIENT_PAGE_ASSESSMENTS)
    episode = Episode.objects.create(client=client, therapist=therapist, start=start)
    days = [start + timedelta(weeks=week) for week in range(CLIENT_PAGE_ASSESSMENTS)]
    Appointment.objects.bulk_create(
        Appointment(episode=episode, at=_zoned(day), status=AppointmentStatus.ATTENDED)
        for day in days
    )
    Assessment.objects.bulk_create(
        Assessment(
            episode=episode,
            instrument_code=code,
            mode=Mode.IN_SESSION,
            taken_on=day,
            entered_by=therapist,
            submission_key=uuid.UUID(int=rng.getrandbits(128)),
            **scores.row(code, round(20 - 12 * week / len(days) + rng.gauss(0, 1.5))),
        )
        for code in CLIENT_PAGE_INSTRUMENTS
        for week, day in enumerate(days)
    )
    progress_refresh(actor=None, episode=episode)
    return client.pk


def build_network(size: NetworkSize, *, seed: int = 15, progress_bar: bool = True) -> LoadedNetwork:
    """Bulk-load the network into the (empty, migrated) database."""
    if User.objects.exists():
        raise RuntimeError("The database already has accounts; the benchmark loads an empty one.")
    rng = random.Random(seed)
    scores = _Scores()
    engine = _Engine(measure_rules(), trajectory_params())
    today = timezone.localdate()
    loaded = LoadedNetwork(
        counts=dict.fromkeys(
            ("clients", "episodes", "appointments", "assessments", "alerts", "milestones"), 0
        )
    )
    with transaction.atomic():
        plans = _plans(rng, size, today)
        bar = tqdm(
            total=len(plans), desc="loading clients", unit="client", disable=not progress_bar
        )
        ids = Ids()
        for offset, chunk in zip(
            range(0, len(plans), CHUNK_CLIENTS), _chunks(plans, CHUNK_CLIENTS), strict=True
        ):
            for name, count in _load_chunk(rng, ids, scores, engine, chunk, offset).items():
                loaded.counts[name] += count
            bar.update(len(chunk))
        bar.close()
        reset_sequences(
            [Client, Episode, Appointment, Assessment, EpisodeProgress, Alert, Milestone]
        )
        small = User.objects.get(username=SMALL_THERAPIST)
        loaded.client_page_id = _client_page_case(rng, scores, small, today)
        loaded.counts["therapists"] = User.objects.count()
        audit_record(
            actor=None, actor_label="bench-loader", action="bench.load", detail=loaded.counts
        )
    return loaded
