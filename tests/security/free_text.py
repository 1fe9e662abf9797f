"""Writing every kind of clinical free text through its service, each with its own marker."""

import uuid
from datetime import date
from decimal import Decimal

from strides.accounts.models import User
from strides.alerts.models import Alert
from strides.alerts.services import alert_acknowledge
from strides.assessments.services import assessment_amend, assessment_record
from strides.clients.models import Appointment, Client
from strides.clients.services import break_glass_open, client_create, episode_update
from strides.goals.services import goal_create, goal_rate, goal_set_status
from strides.milestones.services import milestone_queue_message, milestone_record
from strides.notes.services import note_save
from strides.portal.services import invitation_create
from strides.wellbeing.services import checkin_record, moment_write
from tests.base import phq9_answers

KINDS = [
    "presenting problem",
    "edited presenting problem",
    "session note",
    "edited session note",
    "goal",
    "goal status note",
    "alert action note",
    "correction reason",
    "milestone summary",
    "celebration message",
    "break-glass reason",
    "moment",
]


def marker(kind: str) -> str:
    return f"zq{kind.replace(' ', '').replace('-', '')}marker"


def write_every_free_text(*, therapist: User, admin: User) -> Client:
    """A new client of `therapist` with one value of every kind in KINDS (and a goal
    rating and a risk alert); returns it."""
    client = client_create(
        actor=therapist,
        display_name="Marker Client",
        episode_start=date(2026, 9, 1),
        presenting_problem=marker("presenting problem"),
        celebrations_opt_in=True,
    )
    episode = client.episodes.get()
    episode_update(
        actor=therapist,
        episode=episode,
        start=episode.start,
        presenting_problem=marker("edited presenting problem"),
        anxiety_measure=episode.anxiety_measure,
    )
    # A queued portal mail (its body carries a link, so it is stored encrypted too).
    client.email = "marker.client@example.org"
    client.save(update_fields=["email"])
    invitation_create(actor=therapist, episode=episode, instruments=["phq9"])
    appointment = Appointment.objects.create(
        episode=episode, at="2026-09-02T10:00:00Z", status="attended"
    )
    note_save(actor=therapist, appointment=appointment, text=marker("session note"), base_version=0)
    note_save(
        actor=therapist,
        appointment=appointment,
        text=marker("edited session note"),
        base_version=1,
    )
    goal = goal_create(
        actor=therapist, episode=episode, text=marker("goal"), submission_key=uuid.uuid4()
    )
    goal_rate(
        actor=therapist,
        goal=goal,
        rating=Decimal("7.5"),
        rated_on=date(2026, 9, 2),
        submission_key=uuid.uuid4(),
        gas_level=1,
    )
    goal_set_status(actor=therapist, goal=goal, status="dropped", note=marker("goal status note"))
    risky = assessment_record(
        actor=therapist,
        episode=episode,
        instrument_code="phq9",
        answers=phq9_answers(18, item9=2),
        taken_on=date(2026, 9, 2),
        submission_key=uuid.uuid4(),
    )
    alert = Alert.objects.get(episode=episode, kind="risk")
    alert_acknowledge(
        actor=therapist, alert=alert, action="other", note=marker("alert action note")
    )
    assessment_amend(
        actor=therapist,
        original=risky,
        answers=phq9_answers(17, item9=2),
        taken_on=date(2026, 9, 2),
        reason=marker("correction reason"),
        submission_key=uuid.uuid4(),
    )
    milestone = milestone_record(
        actor=therapist,
        episode=episode,
        summary=marker("milestone summary"),
        occurred_on=date(2026, 9, 3),
    )
    milestone_queue_message(
        actor=therapist, milestone=milestone, text=marker("celebration message")
    )
    break_glass_open(actor=admin, client=client, reason=f"Crisis: {marker('break-glass reason')}")
    # The therapist's own side: a moment beside the milestone and a ProQOL check-in.
    moment_write(actor=therapist, text=marker("moment"), milestone=milestone)
    checkin_record(actor=therapist, answers=dict.fromkeys(range(1, 31), 3))
    return client
