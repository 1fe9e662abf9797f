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

from strides.accounts.models import Role, User
from strides.alerts.models import Alert
from strides.assessments.models import Assessment, Mode
from strides.audit.services import audit_record
from strides.clients.models import (
    Appointment,
    AppointmentStatus,
    Client,
    EndReason,
    Episode,
)
from strides.instruments import get_instrument, score
from strides.milestones.models import Milestone
from strides.milestones.services import milestone_row
from strides.outcomes.models import EpisodeProgress
from strides.outcomes.rules import measure_rules, trajectory_params
from strides.outcomes.services import episode_measures, main_instrument, progress_refresh
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


def _bulk_episodes(
    rng: random.Random, plans: list[list[_EpisodePlan]], offset: int
) -> list[tuple[Episode, _EpisodePlan]]:
    clients = Client.objects.bulk_create(
        Client(display_name=f"Client {offset + i + 1:06d}") for i in range(len(plans))
    )
    pairs = [
        (
            Episode(
                client=client,
                therapist=plan.therapist,
                start=plan.start,
                end=plan.end,
                end_reason=rng.choice([EndReason.PLANNED, EndReason.DROPPED_OUT])
                if plan.end
                else "",
            ),
            plan,
        )
        for client, episodes in zip(clients, plans, strict=True)
        for plan in episodes
    ]
    Episode.objects.bulk_create([episode for episode, _plan in pairs])
    return pairs


def _zoned(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())


def _episode_rows(
    rng: random.Random, scores: _Scores, episode: Episode, plan: _EpisodePlan
) -> tuple[list[Appointment], list[Assessment]]:
    days = [plan.start + timedelta(weeks=week) for week in range(plan.sessions)]
    appointments = [
        Appointment(episode=episode, at=_zoned(day), status=AppointmentStatus.ATTENDED)
        for day in days
    ]
    if plan.end is None:
        upcoming = max(days[-1] + timedelta(weeks=1), timezone.localdate() + timedelta(days=1))
        appointments.append(Appointment(episode=episode, at=_zoned(upcoming)))
    intake, final = plan.course
    assessments = []
    for session, day in enumerate(days):
        share = session / max(1, plan.sessions - 1)
        phq9 = round(intake + (final - intake) * share + rng.gauss(0, 1.5))
        for code, total in (("phq9", phq9), ("gad7", round(phq9 * 0.75))):
            assessments.append(
                Assessment(
                    episode=episode,
                    instrument_code=code,
                    mode=Mode.IN_SESSION,
                    taken_on=day,
                    entered_by=plan.therapist,
                    submission_key=uuid.UUID(int=rng.getrandbits(128)),
                    **scores.row(code, total),
                )
            )
    return appointments, assessments


def _history(plan: _EpisodePlan, assessments: list[Assessment]) -> EpisodeHistory:
    dates = [plan.start + timedelta(weeks=week) for week in range(plan.sessions)]
    observations = [
        Observation(
            assessment_id=a.pk,
            instrument=a.instrument_code,
            when=a.taken_on,
            session=dates.index(a.taken_on) + 1,
            total=a.total,
            flags=frozenset(a.flags),
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


def _derived_rows(
    engine: _Engine, episode: Episode, plan: _EpisodePlan, assessments: list[Assessment]
) -> tuple[EpisodeProgress, list[Alert], list[Milestone]]:
    """What `progress_refresh` would store for the episode, from the pure engine."""
    rules, params = engine.rules, engine.params
    history = _history(plan, assessments)
    reading = detect_alerts(history, rules, trajectory_params=params)
    # What alerts_sync keeps open: risk alerts, and self-closing ones whose condition holds.
    holding = {condition.key for condition in reading.now if condition.holds}
    alerts = [
        Alert(
            episode=episode,
            kind=a.kind,
            key=a.key,
            instrument=a.instrument or "",
            source_id=a.source_id,
            occurred_on=a.when,
            latest_on=a.when,
            evidence=a.evidence,
            summary=a.summary,
            immediate=a.immediate,
        )
        for a in reading.raised
        if a.kind not in SELF_CLOSING_KINDS or a.key in holding
    ]
    milestones = [
        milestone_row(episode=episode, detected=m) for m in detect_milestones(history, rules)
    ]
    measures = episode_measures(history, rules, assessments)
    main = main_instrument(measures)
    progress = EpisodeProgress(
        episode=episode,
        refreshed_at=timezone.now(),
        last_assessed_on=assessments[-1].taken_on if assessments else None,
        main_instrument=main,
        status=measures[main]["status"] if main else "",
        status_explanation=measures[main]["explanation"] if main else "",
        measures=measures,
        open_alerts=len(alerts),
        has_open_risk=any(a.immediate for a in alerts),
    )
    return progress, alerts, milestones


def _load_chunk(
    rng: random.Random,
    scores: _Scores,
    engine: _Engine,
    plans: list[list[_EpisodePlan]],
    offset: int,
) -> dict[str, int]:
    pairs = _bulk_episodes(rng, plans, offset)
    rows = [_episode_rows(rng, scores, episode, plan) for episode, plan in pairs]
    Appointment.objects.bulk_create([a for appointments, _ in rows for a in appointments])
    Assessment.objects.bulk_create([a for _, assessments in rows for a in assessments])
    derived = [
        _derived_rows(engine, episode, plan, assessments)
        for (episode, plan), (_, assessments) in zip(pairs, rows, strict=True)
    ]
    EpisodeProgress.objects.bulk_create([progress for progress, _, _ in derived])
    alerts = Alert.objects.bulk_create([a for _, found, _ in derived for a in found])
    milestones = Milestone.objects.bulk_create([m for _, _, found in derived for m in found])
    return {
        "clients": len(plans),
        "episodes": len(pairs),
        "appointments": sum(len(appointments) for appointments, _ in rows),
        "assessments": sum(len(assessments) for _, assessments in rows),
        "alerts": len(alerts),
        "milestones": len(milestones),
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
        for offset, chunk in zip(
            range(0, len(plans), CHUNK_CLIENTS), _chunks(plans, CHUNK_CLIENTS), strict=True
        ):
            for name, count in _load_chunk(rng, scores, engine, chunk, offset).items():
                loaded.counts[name] += count
            bar.update(len(chunk))
        bar.close()
        small = User.objects.get(username=SMALL_THERAPIST)
        loaded.client_page_id = _client_page_case(rng, scores, small, today)
        loaded.counts["therapists"] = User.objects.count()
        audit_record(
            actor=None, actor_label="bench-loader", action="bench.load", detail=loaded.counts
        )
    return loaded
