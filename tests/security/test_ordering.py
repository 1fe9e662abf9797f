"""Ordering is the same on SQLite and PostgreSQL (which puts NULL last where SQLite puts
it first unless told): the current episode and its therapist, and wins to celebrate.
Run on both: `STRIDES_DATABASE_URL=postgres://... pytest tests/security/test_ordering.py`."""

from datetime import date, timedelta

from django.db.models import Count
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from strides.accounts.models import User
from strides.accounts.permissions import Access, episode_access
from strides.clients.models import BreakGlassGrant, Client, Episode
from strides.clients.selectors import caseload
from strides.crypto import encrypt_text
from strides.demo.seed import seed_demo
from strides.milestones.models import Milestone
from strides.outcomes.dashboard import wins_this_week
from tests.base import PersonaTestCase


def therapist_name(actor: User, client: Client, include_ended: bool = False) -> str:
    """The therapist the actor's caseload shows for the client."""
    row = caseload(actor=actor, include_ended=include_ended).select_related("therapist")
    return row.get(client=client).therapist.username


class CurrentEpisodeTests(PersonaTestCase):
    def returning_client(self) -> Client:
        client = Client.objects.create(display_name="Casey Returning")
        Episode.objects.create(
            client=client,
            therapist=self.otto,
            start=date(2026, 1, 5),
            end=date(2026, 4, 30),
            end_reason="planned",
        )
        Episode.objects.create(client=client, therapist=self.tess, start=date(2026, 9, 1))
        return client

    def test_a_supervisor_sees_the_current_therapist(self) -> None:
        client = self.returning_client()
        self.assertEqual(therapist_name(self.sam, client), "tess")
        self.login(self.sam)
        page = self.client.get(reverse("caseload"))
        # The therapist column (issue 10 moved it out of the client cell).
        self.assertContains(page, '<td data-label="Therapist">tess</td>', html=False)
        self.assertNotContains(page, '<td data-label="Therapist">otto</td>', html=False)

    def test_among_ended_episodes_the_one_that_ended_last_is_current(self) -> None:
        client = self.returning_client()
        Episode.objects.filter(client=client, therapist=self.tess).update(
            end=date(2026, 10, 30), end_reason="planned"
        )
        BreakGlassGrant.objects.create(
            admin=self.admin,
            client=client,
            reason_encrypted=encrypt_text("Records request from the client"),
            granted_at=timezone.now(),
            expires_at=timezone.now() + timedelta(minutes=30),
        )
        self.assertEqual(therapist_name(self.admin, client, include_ended=True), "tess")

    def test_uncelebrated_wins_come_first(self) -> None:
        today = timezone.localdate()
        celebrated = Milestone.objects.create(
            episode=self.tess_episode,
            kind="manual",
            key="manual:1",
            occurred_on=today,
            summary_encrypted=encrypt_text("Back at work"),
            manual=True,
            celebrated_by=self.tess,
            celebrated_at=timezone.now(),
        )
        waiting = Milestone.objects.create(
            episode=self.tess_episode,
            kind="manual",
            key="manual:2",
            occurred_on=today - timedelta(days=1),
            summary_encrypted=encrypt_text("Slept through the night"),
            manual=True,
        )
        self.assertEqual(list(wins_this_week(actor=self.tess)), [waiting, celebrated])


class DemoHandoverTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        seed_demo(password="demo-password", n_clients=12, seed=1, today=date(2026, 11, 27))

    def test_the_demo_has_a_client_with_two_episodes_under_two_therapists(self) -> None:
        tess, otto, sam = (User.objects.get(username=name) for name in ("tess", "otto", "sam"))
        client = Client.objects.annotate(episode_count=Count("episodes")).get(episode_count=2)
        earlier, current = client.episodes.order_by("start")
        self.assertEqual((earlier.therapist, current.therapist), (otto, tess))
        self.assertEqual((earlier.is_active, current.is_active), (False, True))
        for reader in (tess, sam):
            self.assertEqual(therapist_name(reader, client), "tess")
            self.assertEqual(episode_access(reader, earlier), Access.READ)
        self.assertEqual(episode_access(otto, earlier), Access.READ)
        self.assertEqual(episode_access(otto, current), Access.NONE)
