"""The synthetic demo clinic: deterministic for a seed, no real person's data.

`seed_demo` runs a list of steps over one shared `DemoClinic`; later capabilities
(assessments, goals, milestones) add a step to `SEED_STEPS` instead of a new seeder.
The rows are bulk-inserted (this is a fixture, not clinical work) and the whole load is
recorded as one audit event.
"""

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from strides.accounts.models import Role, User
from strides.alerts.models import Alert, AlertStatus
from strides.audit.services import audit_record
from strides.clients.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Client,
    EndReason,
    Episode,
)
from strides.crypto import encrypt_text
from strides.demo.assessments import seed_assessments
from strides.demo.goals import seed_goals
from strides.milestones.models import Milestone
from strides.outcomes.models import EpisodeProgress
from strides.outcomes.services import progress_refresh

FIRST_NAMES = [
    "Robin",
    "Alex",
    "Sam",
    "Jo",
    "Kit",
    "Noor",
    "Mika",
    "Ari",
    "Rene",
    "Lou",
    "Remy",
    "Sasha",
    "Jules",
    "Toni",
    "Charlie",
    "Quinn",
    "Eli",
    "Nico",
    "Frankie",
    "Dana",
    "Avery",
    "Billie",
    "Casey",
    "Devon",
    "Emery",
    "Finley",
    "Harper",
    "Indigo",
    "Jessie",
    "Kai",
    "Lane",
    "Morgan",
    "Oakley",
    "Parker",
    "Reese",
    "Rowan",
    "Sky",
    "Tatum",
    "Wren",
    "Yael",
]
PROBLEMS = [
    "Low mood",
    "Generalised worry",
    "Panic attacks",
    "Work stress",
    "Sleep difficulties",
    "Bereavement",
    "Social anxiety",
    "Relationship difficulties",
    "Health worries",
]
STAFF = [
    ("admin", "Ada", "Admin", Role.ADMIN),
    ("tess", "Tess", "Taylor", Role.THERAPIST),
    ("otto", "Otto", "Olsen", Role.THERAPIST),
    ("sam", "Sam", "Sutherland", Role.SUPERVISOR),
]


@dataclass
class DemoClinic:
    """What the steps share: the random source, today, the staff and the episodes made."""

    rng: random.Random
    today: date
    staff: dict[str, User] = field(default_factory=dict)
    episodes: list[Episode] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _staff(clinic: DemoClinic, password: str) -> None:
    for username, first, last, role in STAFF:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            email=f"{username}@demo.invalid",
        )
        user.set_password(password)
        user.save()
        clinic.staff[username] = user
    clinic.staff["sam"].supervisees.set([clinic.staff["tess"]])
    clinic.counts["staff"] = len(STAFF)


def _clients_and_episodes(clinic: DemoClinic, n_clients: int) -> None:
    rng = clinic.rng
    therapists = [clinic.staff["tess"], clinic.staff["otto"]]
    clients = Client.objects.bulk_create(
        Client(
            display_name=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {chr(65 + (i * 7) % 26)}."
            + (f" {i // len(FIRST_NAMES) + 1}" if i >= len(FIRST_NAMES) else ""),
            date_of_birth=date(
                1950 + rng.randrange(55), 1 + rng.randrange(12), 1 + rng.randrange(28)
            ),
            email=f"client{i + 1}@demo.invalid",
        )
        for i in range(n_clients)
    )
    episodes = []
    for index, client in enumerate(clients):
        # Every ninth client started in the last fortnight: too early to judge progress.
        recent = index % 9 == 4
        start = clinic.today - timedelta(
            days=rng.randrange(3, 14) if recent else rng.randrange(21, 182)
        )
        ended = rng.random() < 0.2 and (clinic.today - start).days > 60
        end = (
            start + timedelta(days=rng.randrange(42, (clinic.today - start).days))
            if ended
            else None
        )
        episodes.append(
            Episode(
                client=client,
                therapist=therapists[index % 2 if index % 5 else 0],
                start=start,
                end=end,
                end_reason=rng.choice([EndReason.PLANNED, EndReason.PLANNED, EndReason.DROPPED_OUT])
                if ended
                else "",
                presenting_problem_encrypted=encrypt_text(rng.choice(PROBLEMS)),
                anxiety_measure="gad7",
            )
        )
    # One client came back after an earlier course of care with otto and is tess's now:
    # tess (and sam, her supervisor) read otto's ended episode; otto does not see tess's.
    returning = next(e for e in episodes if e.therapist == therapists[0] and e.end is None)
    episodes.append(
        Episode(
            client=returning.client,
            therapist=therapists[1],
            start=returning.start - timedelta(days=200),
            end=returning.start - timedelta(days=60),
            end_reason=EndReason.PLANNED,
            presenting_problem_encrypted=encrypt_text(returning.presenting_problem),
            anxiety_measure="gad7",
        )
    )
    clinic.episodes = Episode.objects.bulk_create(episodes)
    clinic.counts["clients"] = len(clients)
    clinic.counts["episodes"] = len(episodes)


def _appointments(clinic: DemoClinic) -> None:
    rng = clinic.rng
    zone = timezone.get_current_timezone()
    rows = []
    for episode in clinic.episodes:
        last = episode.end or clinic.today
        day = episode.start
        hour = 9 + rng.randrange(8)
        first = True
        while day <= last:
            roll = rng.random()
            status = (
                AppointmentStatus.ATTENDED
                if first or roll < 0.85
                else AppointmentStatus.CANCELLED
                if roll < 0.93
                else AppointmentStatus.DID_NOT_ATTEND
            )
            rows.append(
                Appointment(
                    episode=episode,
                    at=datetime.combine(day, time(hour), tzinfo=zone),
                    kind=AppointmentKind.ASSESSMENT if first else AppointmentKind.TREATMENT,
                    status=status,
                )
            )
            first = False
            day += timedelta(days=7)
        if episode.end is None:
            rows.append(
                Appointment(
                    episode=episode,
                    at=datetime.combine(day, time(hour), tzinfo=zone),
                    kind=AppointmentKind.TREATMENT,
                    status=AppointmentStatus.SCHEDULED,
                )
            )
    Appointment.objects.bulk_create(rows, batch_size=1000)
    clinic.counts["appointments"] = len(rows)


def _assessments(clinic: DemoClinic) -> None:
    episodes = list(
        Episode.objects.filter(pk__in=[e.pk for e in clinic.episodes])
        .select_related("therapist")
        .prefetch_related("appointments")
        .order_by("id")
    )
    tess_active = [e for e in episodes if e.therapist == clinic.staff["tess"] and e.end is None]
    rows = seed_assessments(
        clinic.rng, episodes, risk_episode=tess_active[0] if tess_active else None
    )
    clinic.counts["assessments"] = len(rows)


def _goals(clinic: DemoClinic) -> None:
    episodes = list(
        Episode.objects.filter(pk__in=[e.pk for e in clinic.episodes], end__isnull=True)
        .select_related("therapist")
        .prefetch_related("appointments")
        .order_by("id")
    )
    clinic.counts["goals"], clinic.counts["goal ratings"] = seed_goals(clinic.rng, episodes)


def _progress(clinic: DemoClinic) -> None:
    for episode in Episode.objects.filter(pk__in=[e.pk for e in clinic.episodes]).select_related(
        "client"
    ):
        progress_refresh(actor=None, episode=episode)
    clinic.counts["milestones"] = Milestone.objects.count()
    clinic.counts["alerts"] = Alert.objects.count()
    clinic.counts["open alerts"] = Alert.objects.filter(status=AlertStatus.OPEN).count()
    active = EpisodeProgress.objects.filter(episode__in=clinic.episodes, episode__end__isnull=True)
    clients = active.values("episode__client").distinct().count()
    flagged = active.filter(status="not_on_track").values("episode__client").distinct().count()
    # Printed by the summary line as "N % of active clients not on track".
    clinic.counts["% of active clients not on track"] = (
        round(100 * flagged / clients) if clients else 0
    )


SeedStep = Callable[[DemoClinic], None]
SEED_STEPS: list[tuple[str, SeedStep]] = [
    ("appointments", _appointments),
    ("assessments", _assessments),
    ("goals", _goals),
    ("progress", _progress),
]


def seed_demo(
    *,
    password: str,
    n_clients: int = 40,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[Iterable[tuple[str, SeedStep]]], Iterable[tuple[str, SeedStep]]]
    | None = None,
) -> dict[str, int]:
    """Fill an empty database with the demo clinic; return what was created."""
    if User.objects.exists():
        raise RuntimeError("The database already has accounts; the demo seeds only an empty one.")
    clinic = DemoClinic(rng=random.Random(seed), today=today or timezone.localdate())
    with transaction.atomic():
        _staff(clinic, password)
        _clients_and_episodes(clinic, n_clients)
        steps = progress(SEED_STEPS) if progress else SEED_STEPS
        for _name, step in steps:
            step(clinic)
        audit_record(
            actor=None,
            actor_label="demo-seeder",
            action="demo.seed",
            detail={"seed": seed, **clinic.counts},
        )
    return clinic.counts


def reset_demo_passwords(password: str) -> int:
    """Give the demo staff accounts `password`, audited with their ids; return how many."""
    with transaction.atomic():
        users = list(
            User.objects.filter(username__in=[username for username, *_ in STAFF]).order_by("pk")
        )
        for user in users:
            user.set_password(password)
            user.save(update_fields=["password"])
        audit_record(
            actor=None,
            actor_label="demo-seeder",
            action="demo.reset_passwords",
            detail={"user_ids": [user.pk for user in users]},
        )
    return len(users)
