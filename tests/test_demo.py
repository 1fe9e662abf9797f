"""The synthetic demo clinic: deterministic, complete, and loaded by `strides demo`."""

import io
import os
from datetime import date
from unittest import mock

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from strides.accounts.models import User
from strides.alerts.models import Alert
from strides.assessments.models import Assessment
from strides.audit.verify import verify_chain
from strides.clients.models import Appointment, Client, Episode
from strides.demo.seed import seed_demo
from strides.goals.models import Goal
from strides.milestones.models import Milestone
from strides.outcomes.models import EpisodeProgress


class DemoSeedTests(TestCase):
    def test_demo_clinic_has_the_named_staff_and_supervision(self) -> None:
        seed_demo(password="demo-password", n_clients=40, seed=1, today=date(2026, 11, 27))
        roles = dict(User.objects.values_list("username", "role"))
        self.assertEqual(
            roles, {"admin": "admin", "tess": "therapist", "otto": "therapist", "sam": "supervisor"}
        )
        sam = User.objects.get(username="sam")
        self.assertEqual([u.username for u in sam.supervisees.all()], ["tess"])
        self.assertEqual(Client.objects.count(), 40)
        for therapist in ("tess", "otto"):
            self.assertGreater(Episode.objects.filter(therapist__username=therapist).count(), 5)
        statuses = set(Appointment.objects.values_list("status", flat=True))
        self.assertTrue({"attended", "cancelled"} <= statuses)
        self.assertTrue(Episode.objects.filter(end__isnull=False).exists())
        self.assertTrue(User.objects.get(username="tess").check_password("demo-password"))
        self.assertTrue(verify_chain().ok)
        self.assertEqual(Assessment.objects.filter(has_risk=True).count(), 1)
        risk = Assessment.objects.get(has_risk=True)
        self.assertEqual(risk.episode.therapist.username, "tess")
        bands = set(
            Assessment.objects.filter(instrument_code="phq9").values_list("band", flat=True)
        )
        self.assertTrue({"minimal", "mild", "moderate", "severe"} <= bands, bands)
        statuses = set(EpisodeProgress.objects.values_list("status", flat=True))
        self.assertTrue({"on_track", "not_on_track", "too_early", "recovered"} <= statuses)
        milestone_kinds = set(Milestone.objects.values_list("kind", flat=True))
        self.assertTrue(
            {
                "first_measure",
                "first_reliable_improvement",
                "below_cutoff",
                "reliable_recovery",
                "goal_high",
                "goal_improved",
                "attendance",
                "ending_well",
            }
            <= milestone_kinds,
            milestone_kinds,
        )
        alert_kinds = set(Alert.objects.values_list("kind", flat=True))
        self.assertTrue(
            {"risk", "risk_unanswered", "reliable_deterioration", "not_on_track", "missed_measures"}
            <= alert_kinds,
            alert_kinds,
        )
        self.assertTrue(Goal.objects.exists())

    def test_same_seed_gives_the_same_clinic(self) -> None:
        def seeded_fingerprint() -> tuple[object, ...]:
            with transaction.atomic():
                seed_demo(password="pw-one-two", n_clients=12, seed=7, today=date(2026, 11, 27))
                fingerprint = (
                    list(
                        Episode.objects.order_by("id").values_list(
                            "client__display_name", "therapist__username", "start", "end"
                        )
                    ),
                    list(Assessment.objects.order_by("id").values_list("total", flat=True)),
                    Appointment.objects.count(),
                )
                transaction.set_rollback(True)
            return fingerprint

        first = seeded_fingerprint()
        self.assertFalse(User.objects.exists())
        self.assertEqual(seeded_fingerprint(), first)

    def test_refuses_a_database_that_already_has_accounts(self) -> None:
        User.objects.create(username="someone")
        with self.assertRaisesMessage(RuntimeError, "already has accounts"):
            seed_demo(password="pw", n_clients=3)

    def test_demo_command_seeds_and_prints_logins(self) -> None:
        out = io.StringIO()
        with mock.patch.dict(os.environ, {"STRIDES_DEMO_PASSWORD": "from-the-env-1"}):
            call_command("demo", "--no-serve", "--clients", "8", stdout=out, stderr=io.StringIO())
        text = out.getvalue()
        self.assertIn("8 clients", text)
        self.assertIn("tess (therapist)", text)
        self.assertIn("password: from-the-env-1", text)
        self.assertEqual(Client.objects.count(), 8)

    def test_demo_command_prints_a_generated_password_when_none_is_set(self) -> None:
        out = io.StringIO()
        env = {k: v for k, v in os.environ.items() if k != "STRIDES_DEMO_PASSWORD"}
        with mock.patch.dict(os.environ, env, clear=True):
            call_command("demo", "--no-serve", "--clients", "3", stdout=out, stderr=io.StringIO())
        password = out.getvalue().split("password: ")[1].split()[0]
        self.assertTrue(User.objects.get(username="otto").check_password(password))
