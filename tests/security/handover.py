"""A client handed over between therapists: the fixture of the per-episode rule.

Jordan was tess's client (an ended episode) and is otto's now (an open episode with an
appointment and note, a PHQ-9 with the risk item endorsed and the alert it raised, a
goal and a milestone this week). sam supervises tess, so sam reads what tess reads.
"""

import uuid
from datetime import UTC, date, datetime

from django.utils import timezone

from strides.alerts.models import Alert
from strides.assessments.models import Assessment
from strides.assessments.services import assessment_record
from strides.clients.models import Appointment, Client, Episode
from strides.crypto import encrypt_text
from strides.goals.models import Goal
from strides.goals.services import goal_create
from strides.milestones.models import Milestone
from strides.milestones.services import milestone_record
from strides.notes.services import note_save
from tests.base import PersonaTestCase, phq9_answers

OLD_PROBLEM = "Worry about exams"
NEW_PROBLEM = "Grief after a loss"
NEW_NOTE = "Otto's session note about the funeral"
NEW_GOAL = "Visit the grave with my sister"
NEW_MILESTONE = "Went back to the choir"


class HandoverTestCase(PersonaTestCase):
    handover: Client
    old_episode: Episode
    new_episode: Episode
    old_appointment: Appointment
    new_appointment: Appointment
    old_assessment: Assessment
    new_assessment: Assessment
    new_goal: Goal
    new_alert: Alert
    new_milestone: Milestone

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.handover = Client.objects.create(display_name="Jordan Handover")
        cls.old_episode = Episode.objects.create(
            client=cls.handover,
            therapist=cls.tess,
            start=date(2026, 1, 5),
            presenting_problem_encrypted=encrypt_text(OLD_PROBLEM),
        )
        cls.old_appointment = Appointment.objects.create(
            episode=cls.old_episode, at=datetime(2026, 1, 5, 9, tzinfo=UTC), status="attended"
        )
        cls.old_assessment = assessment_record(
            actor=cls.tess,
            episode=cls.old_episode,
            instrument_code="phq9",
            answers=phq9_answers(12),
            taken_on=date(2026, 1, 5),
            submission_key=uuid.uuid4(),
        )
        Episode.objects.filter(pk=cls.old_episode.pk).update(
            end=date(2026, 4, 30), end_reason="planned"
        )
        cls.old_episode.refresh_from_db()
        cls.new_episode = Episode.objects.create(
            client=cls.handover,
            therapist=cls.otto,
            start=date(2026, 10, 1),
            presenting_problem_encrypted=encrypt_text(NEW_PROBLEM),
        )
        cls.new_appointment = Appointment.objects.create(
            episode=cls.new_episode, at=datetime(2026, 10, 1, 9, tzinfo=UTC), status="attended"
        )
        note_save(actor=cls.otto, appointment=cls.new_appointment, text=NEW_NOTE, base_version=0)
        cls.new_assessment = assessment_record(
            actor=cls.otto,
            episode=cls.new_episode,
            instrument_code="phq9",
            answers=phq9_answers(17, item9=2),
            taken_on=date(2026, 10, 1),
            submission_key=uuid.uuid4(),
        )
        cls.new_alert = Alert.objects.get(episode=cls.new_episode, kind="risk")
        cls.new_goal = goal_create(
            actor=cls.otto, episode=cls.new_episode, text=NEW_GOAL, submission_key=uuid.uuid4()
        )
        cls.new_milestone = milestone_record(
            actor=cls.otto,
            episode=cls.new_episode,
            summary=NEW_MILESTONE,
            occurred_on=timezone.localdate(),
        )
