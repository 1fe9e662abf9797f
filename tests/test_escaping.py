"""Anything a person typed is shown as text, never run as markup."""

from django.urls import reverse

from strides.clients.models import Client, Episode
from tests.base import PersonaTestCase

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class EscapingTests(PersonaTestCase):
    def test_client_name_and_episode_fields_render_as_text_everywhere(self) -> None:
        client = Client.objects.create(display_name=PAYLOAD, email="a@example.invalid")
        episode = Episode.objects.create(
            client=client, therapist=self.tess, start="2026-10-01", presenting_problem=PAYLOAD
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
        response = self.client.get(reverse("caseload"), {"q": PAYLOAD})
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
