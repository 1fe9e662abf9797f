"""The shared base test case: a small clinic with named personas.

tess and otto are therapists; sam supervises tess; admin manages the clinic.
Each therapist has one client with one episode and one appointment.
"""

from datetime import UTC, date, datetime
from typing import Any

from django.test import TestCase

from strides.accounts.models import Role, User
from strides.audit.models import AuditEvent
from strides.clients.models import Appointment, Client, Episode

PASSWORD = "correct horse battery staple"


class PersonaTestCase(TestCase):
    tess: User
    otto: User
    sam: User
    admin: User
    tess_client: Client
    otto_client: Client
    tess_episode: Episode
    otto_episode: Episode
    tess_appointment: Appointment

    @classmethod
    def setUpTestData(cls) -> None:
        cls.tess = cls.make_user("tess", Role.THERAPIST)
        cls.otto = cls.make_user("otto", Role.THERAPIST)
        cls.sam = cls.make_user("sam", Role.SUPERVISOR)
        cls.admin = cls.make_user("admin", Role.ADMIN)
        cls.sam.supervisees.set([cls.tess])
        cls.tess_client = Client.objects.create(display_name="Robin Tessclient")
        cls.otto_client = Client.objects.create(display_name="Kit Ottoclient")
        cls.tess_episode = Episode.objects.create(
            client=cls.tess_client, therapist=cls.tess, start=date(2026, 9, 1)
        )
        cls.otto_episode = Episode.objects.create(
            client=cls.otto_client, therapist=cls.otto, start=date(2026, 9, 2)
        )
        cls.tess_appointment = Appointment.objects.create(
            episode=cls.tess_episode, at=datetime(2026, 9, 1, 10, tzinfo=UTC), status="attended"
        )

    @staticmethod
    def make_user(username: str, role: str) -> User:
        user = User(username=username, role=role, first_name=username.title())
        user.set_password(PASSWORD)
        user.save()
        return user

    def login(self, user: User) -> None:
        self.client.force_login(user)

    def denied_events(self, actor: User, **filters: Any) -> int:
        return AuditEvent.objects.filter(actor=actor, outcome="denied", **filters).count()


def phq9_answers(total: int, item9: int | None = 0) -> dict[int, int | None]:
    """PHQ-9 answers adding up to `total` (items 1-8 filled in order, item 9 as given)."""
    answers: dict[int, int | None] = {}
    remaining = total - (item9 or 0)
    for item in range(1, 9):
        answers[item] = min(3, remaining)
        remaining -= min(3, remaining)
    answers[9] = item9
    return answers
