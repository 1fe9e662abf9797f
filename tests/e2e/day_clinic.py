"""A small synthetic clinic for the layout and accessibility browser tests: tess's
caseload with a client who is not on track, one who is recovering (with a goal and a
celebration opt-in), one with a risk item endorsed, an ended episode and a few more;
otto's client; sam supervising tess; an admin."""

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.utils import timezone

from strides.accounts.models import Role, User
from strides.alerts.models import Alert
from strides.assessments.models import Assessment
from strides.assessments.services import assessment_record
from strides.clients.models import Appointment, Client, Episode
from strides.goals.services import goal_create, goal_rate
from strides.milestones.models import Milestone
from tests.base import phq9_answers
from tests.e2e.helpers import make_user


@dataclass(frozen=True)
class DayClinic:
    tess: User
    otto: User
    sam: User
    admin: User
    struggling: Client
    recovering: Client
    at_risk: Client


def gad7_answers(total: int) -> dict[int, int | None]:
    answers: dict[int, int | None] = {}
    for item in range(1, 8):
        answers[item] = min(3, max(0, total - 3 * (item - 1)))
    return answers


def weekly_course(
    therapist: User,
    name: str,
    totals: list[int],
    *,
    item9_last: int = 0,
    gad7: list[int] | None = None,
) -> Client:
    client = Client.objects.create(display_name=name)
    today = timezone.localdate()
    episode = Episode.objects.create(
        client=client, therapist=therapist, start=today - timedelta(weeks=len(totals) + 1)
    )
    for week, total in enumerate(totals):
        day = today - timedelta(weeks=len(totals) - 1 - week)
        Appointment.objects.create(
            episode=episode,
            status="attended",
            at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        )
        last = week == len(totals) - 1
        assessment_record(
            actor=therapist,
            episode=episode,
            instrument_code="phq9",
            answers=phq9_answers(total, item9_last if last else 0),
            taken_on=day,
            submission_key=uuid.uuid4(),
        )
        if gad7 is not None and week < len(gad7):
            assessment_record(
                actor=therapist,
                episode=episode,
                instrument_code="gad7",
                answers=gad7_answers(gad7[week]),
                taken_on=day,
                submission_key=uuid.uuid4(),
            )
    soon = timezone.now() + timedelta(days=3)
    Appointment.objects.create(episode=episode, status="scheduled", at=soon)
    return client


def day_clinic() -> DayClinic:
    tess = make_user("tess", Role.THERAPIST)
    otto = make_user("otto", Role.THERAPIST)
    sam = make_user("sam", Role.SUPERVISOR)
    admin = make_user("admin", Role.ADMIN)
    sam.supervisees.set([tess])
    struggling = weekly_course(tess, "Sasha Struggling", [14, 22, 24, 24], gad7=[12, 15, 16, 17])
    recovering = weekly_course(tess, "Remy Recovering", [20, 16, 13, 6], gad7=[14, 12, 10, 5])
    recovering.celebrations_opt_in = True
    recovering.save()
    at_risk = weekly_course(tess, "Ari Riskitem", [16, 15], item9_last=1)
    for index, totals in enumerate([[12, 11, 10], [9, 8], [18, 13, 11]]):
        weekly_course(tess, f"Client {index + 1:02d} Example", totals)
    Client.objects.create(display_name="Nova Newclient")
    Episode.objects.create(
        client=Client.objects.get(display_name="Nova Newclient"),
        therapist=tess,
        start=timezone.localdate(),
    )
    weekly_course(otto, "Kit Ottoclient", [15, 12])
    episode = recovering.episodes.get()
    today = timezone.localdate()
    goal = goal_create(
        actor=tess, episode=episode, text="Walk to the shop on my own", submission_key=uuid.uuid4()
    )
    for weeks_ago, rating in ((3, 3), (0, 8)):
        goal_rate(
            actor=tess,
            goal=goal,
            rating=Decimal(rating),
            rated_on=today - timedelta(weeks=weeks_ago),
            submission_key=uuid.uuid4(),
        )
    return DayClinic(tess, otto, sam, admin, struggling, recovering, at_risk)


# The clinic as first built in this test process, with a copy of the database then.
_built: list[tuple[DayClinic, sqlite3.Connection]] = []


def day_clinic_again() -> DayClinic:
    """The clinic of `day_clinic()` in an emptied test database. On the in-memory SQLite
    test database (the live server shares its one connection) it is built once per test
    process and copied back for each later test with SQLite's backup API, which takes
    milliseconds where building takes seconds; elsewhere it is built afresh."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    if not isinstance(wrapper, SQLiteWrapper) or not wrapper.is_in_memory_db():
        return day_clinic()
    wrapper.ensure_connection()
    database = wrapper.connection
    assert isinstance(database, sqlite3.Connection)
    if _built:
        clinic, copy = _built[0]
        copy.backup(database)
        return clinic
    clinic = day_clinic()
    copy = sqlite3.connect(":memory:")
    database.backup(copy)
    _built.append((clinic, copy))
    return clinic


def staff_paths(clinic: DayClinic) -> dict[str, list[str]]:
    """Every staff page, by who may open it."""
    episode = clinic.recovering.episodes.get()
    assessment = Assessment.objects.filter(episode=episode).first()
    appointment = episode.appointments.first()
    goal = episode.goals.get()
    milestone = Milestone.objects.filter(episode=episode).exclude(kind="first_measure").first()
    assert assessment and appointment and milestone
    struggling = clinic.struggling.pk
    alert = Alert.objects.filter(episode__client=clinic.struggling).first()
    assert alert is not None
    return {
        "tess": [
            "/clients/",
            f"/clients/{struggling}/",
            f"/clients/{clinic.recovering.pk}/",
            f"/clients/{clinic.at_risk.pk}/",
            "/attention/",
            "/wins/",
            "/clients/new/",
            f"/clients/{clinic.recovering.pk}/edit/",
            f"/clients/{clinic.recovering.pk}/episodes/new/",
            f"/episodes/{episode.pk}/edit/",
            f"/episodes/{episode.pk}/end/",
            f"/episodes/{episode.pk}/appointments/new/",
            f"/appointments/{appointment.pk}/edit/",
            f"/appointments/{appointment.pk}/note/",
            f"/episodes/{episode.pk}/assessments/new/",
            f"/episodes/{episode.pk}/assessments/new/?instrument=phq9",
            f"/assessments/{assessment.pk}/",
            f"/assessments/{assessment.pk}/amend/",
            f"/episodes/{episode.pk}/goals/",
            f"/episodes/{episode.pk}/goals/new/",
            f"/goals/{goal.pk}/edit/",
            f"/goals/{goal.pk}/status/",
            f"/episodes/{episode.pk}/milestones/new/",
            f"/milestones/{milestone.pk}/message/",
            f"/alerts/{alert.pk}/acknowledge/",
            f"/alerts/{alert.pk}/snooze/",
            "/account/",
            "/accounts/2fa/",
            "/accounts/2fa/totp/activate/",
            "/accounts/password/change/",
        ],
        "sam": ["/clients/", f"/clients/{struggling}/", "/attention/", "/wins/", "/account/"],
        "admin": [
            "/staff/",
            "/staff/new/",
            f"/staff/{clinic.tess.pk}/",
            f"/staff/episodes/{episode.pk}/transfer/",
            "/audit/",
            "/break-glass/",
            "/account/",
        ],
    }
