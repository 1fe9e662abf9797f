"""Anything a person typed is shown as text, never run as markup."""

import uuid
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from strides.assessments.services import assessment_record
from strides.clients.models import Client, Episode
from strides.crypto import encrypt_text
from strides.goals.services import goal_create, goal_rate
from strides.notes.services import note_save
from tests.base import PersonaTestCase

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class EscapingTests(PersonaTestCase):
    def test_client_name_and_episode_fields_render_as_text_everywhere(self) -> None:
        client = Client.objects.create(display_name=PAYLOAD, email="a@example.invalid")
        episode = Episode.objects.create(
            client=client,
            therapist=self.tess,
            start="2026-10-01",
            presenting_problem_encrypted=encrypt_text(PAYLOAD),
        )
        self.login(self.tess)
        urls = [
            reverse("caseload"),
            reverse("client_detail", args=[client.pk]),
            reverse("client_edit", args=[client.pk]),
            reverse("episode_edit", args=[episode.pk]),
            reverse("episode_end", args=[episode.pk]),
        ]
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotIn(PAYLOAD, response.content.decode(), url)
            self.assertIn("&lt;script&gt;", response.content.decode(), url)

    def test_search_term_renders_as_text(self) -> None:
        self.login(self.tess)
        response = self.client.post(reverse("caseload"), {"q": PAYLOAD})
        self.assertNotIn("<script>alert", response.content.decode())
        self.assertContains(response, "&lt;script&gt;")

    def test_break_glass_reason_renders_as_text_to_therapist(self) -> None:
        self.login(self.admin)
        self.client.post(
            reverse("break_glass"), {"client_number": self.tess_client.pk, "reason": PAYLOAD}
        )
        self.login(self.tess)
        response = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertNotIn(PAYLOAD, response.content.decode())

    def test_pages_carry_a_strict_content_security_policy(self) -> None:
        self.login(self.tess)
        policy = self.client.get(reverse("caseload"))["Content-Security-Policy"]
        self.assertIn("default-src 'none'", policy)
        self.assertIn("script-src 'self' 'nonce-", policy)
        self.assertNotIn("unsafe-inline", policy)


class StoredPayloadTests(PersonaTestCase):
    """Script payloads stored in client names, goals and notes render as text on every
    page that shows them: the caseload, the client page (goals, timeline, chart), the
    goal pages, the note page, needs attention and wins."""

    def test_payloads_render_as_text_on_every_page(self) -> None:
        today = timezone.localdate()
        client = Client.objects.create(display_name=PAYLOAD)
        episode = Episode.objects.create(client=client, therapist=self.tess, start=today)
        appointment = episode.appointments.create(at=timezone.now(), status="attended")
        goal = goal_create(
            actor=self.tess, episode=episode, text=PAYLOAD, submission_key=uuid.uuid4()
        )
        goal_rate(
            actor=self.tess,
            goal=goal,
            rating=Decimal(9),
            rated_on=today,
            submission_key=uuid.uuid4(),
        )
        note_save(actor=self.tess, appointment=appointment, text=PAYLOAD, base_version=0)
        answers = {1: 3, 2: 3, 3: 3, 4: 3, 5: 2, 6: 0, 7: 0, 8: 0, 9: 1}
        assessment_record(
            actor=self.tess,
            episode=episode,
            instrument_code="phq9",
            answers=answers,
            taken_on=today,
            submission_key=uuid.uuid4(),
        )
        self.login(self.tess)
        urls = [
            reverse("caseload"),
            reverse("client_detail", args=[client.pk]),
            reverse("client_detail", args=[client.pk]) + "?x=session",
            reverse("episode_goals", args=[episode.pk]),
            reverse("goal_edit", args=[goal.pk]),
            reverse("note_edit", args=[appointment.pk]),
            reverse("attention"),
            reverse("wins"),
        ]
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            content = response.content.decode()
            self.assertNotIn("<script>alert", content, url)
            self.assertNotIn("<img src=x", content, url)
            self.assertIn("&lt;script&gt;", content, url)
