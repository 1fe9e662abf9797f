"""Schedules with frozen time and two workers at once: each invitation is created when
due, each reminder goes once, and nothing more is sent after the episode ends.

On PostgreSQL the workers run against the test database; on SQLite in a child process
against a SQLite file, as deployed (tests/portal_schedule_run.py)."""

import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import time_machine
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse

from strides.alerts.models import Alert, AlertKind
from strides.assessments.services import assessment_record
from strides.portal import services
from tests.base import PersonaTestCase, phq9_answers
from tests.portal_helpers import run_in_sqlite_file, run_worker
from tests.portal_schedule_run import schedule_life


def run() -> dict[str, Any]:
    if connection.vendor == "sqlite":
        return run_in_sqlite_file("tests.portal_schedule_run")
    return schedule_life(tempfile.mkdtemp(prefix="outbox-"))


class ScheduleTests(TransactionTestCase):
    def test_invitations_when_due_reminders_once_and_stop_at_the_end(self) -> None:
        story = run()
        # Day 0: the every-2-weeks period starts, and an appointment is within a day.
        self.assertEqual(
            story["day0"],
            {"invitations": 2, "invitation_mails": 2, "reminder_mails": 0, "reminded": 0},
        )
        self.assertEqual(story["day0_again"], story["day0"])
        self.assertEqual(story["day1"], story["day0"])
        # Two days later: one reminder for each unanswered invitation, once.
        self.assertEqual(story["day2_reminders"]["reminder_mails"], 2)
        self.assertEqual(story["day2_reminders"]["reminded"], 2)
        self.assertEqual(story["day2_again"], story["day2_reminders"])
        # A chosen date, then the next period.
        self.assertEqual(story["day7_date"]["invitations"], 3)
        self.assertEqual(story["day14_period"]["invitations"], 4)
        self.assertEqual(story["day14_period"]["invitation_mails"], 4)
        # The episode ended: nothing new, and its schedules stopped.
        self.assertEqual(story["day28_ended"]["invitations"], 4)
        self.assertEqual(story["active_schedules"], 0)


class MissedInvitationTests(PersonaTestCase):
    def test_three_invitations_lapsed_unanswered_raise_the_measures_missed_alert(self) -> None:
        assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(12),
            taken_on=date(2026, 9, 1),
            submission_key=uuid.uuid4(),
        )
        start = datetime(2026, 10, 1, 9, tzinfo=UTC)
        for week in range(3):
            with time_machine.travel(start + timedelta(weeks=week), tick=False):
                services.invitation_create(
                    actor=self.tess, episode=self.tess_episode, instruments=["phq9"]
                )
            with time_machine.travel(start + timedelta(weeks=week, days=5), tick=False):
                self.assertEqual(run_worker()["lapsed"], 1)
                missed = Alert.objects.filter(
                    episode=self.tess_episode, kind=AlertKind.MISSED_MEASURES
                )
                self.assertEqual(missed.exists(), week == 2, week)
        self.assertEqual(run_worker()["lapsed"], 0)
        # The caseload's "not answered" list names them.
        self.login(self.tess)
        with time_machine.travel(start + timedelta(weeks=3), tick=False):
            page = self.client.get(reverse("caseload"))
        self.assertContains(page, "Not answered")
        self.assertEqual(len(page.context["not_answered"]), 3)
