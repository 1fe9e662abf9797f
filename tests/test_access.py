"""The one access rule, seen through every client URL by each persona."""

from django.urls import reverse

from strides.audit.models import AuditEvent
from strides.clients.models import BreakGlassGrant
from tests.base import PersonaTestCase


class AccessRuleTests(PersonaTestCase):
    def tess_urls(self) -> list[str]:
        return [
            reverse("client_detail", args=[self.tess_client.pk]),
            reverse("client_edit", args=[self.tess_client.pk]),
            reverse("episode_new", args=[self.tess_client.pk]),
            reverse("episode_edit", args=[self.tess_episode.pk]),
            reverse("episode_end", args=[self.tess_episode.pk]),
            reverse("appointment_new", args=[self.tess_episode.pk]),
            reverse("appointment_edit", args=[self.tess_appointment.pk]),
        ]

    def change_urls(self) -> list[str]:
        return self.tess_urls()[1:]

    def test_tess_reaches_every_url_of_her_client(self) -> None:
        self.login(self.tess)
        for url in self.tess_urls():
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_stranger_gets_404_on_every_url_of_tess_client(self) -> None:
        self.login(self.otto)
        for url in self.tess_urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)
            self.assertEqual(self.client.post(url, {"display_name": "x"}).status_code, 404, url)
        self.assertEqual(
            self.denied_events(self.otto, client=self.tess_client), 2 * len(self.tess_urls())
        )

    def test_404_page_shows_no_client_data(self) -> None:
        self.login(self.otto)
        response = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertNotContains(response, "Robin", status_code=404)

    def test_unknown_client_is_404_too(self) -> None:
        self.login(self.tess)
        self.assertEqual(self.client.get(reverse("client_detail", args=[99999])).status_code, 404)

    def test_caseload_lists_only_own_clients(self) -> None:
        self.login(self.otto)
        response = self.client.get(reverse("caseload"))
        self.assertContains(response, "Kit Ottoclient")
        self.assertNotContains(response, "Robin Tessclient")

    def test_supervisor_reads_supervisee_client(self) -> None:
        self.login(self.sam)
        response = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(response, "Robin Tessclient")
        self.assertNotContains(response, reverse("client_edit", args=[self.tess_client.pk]))
        self.assertContains(self.client.get(reverse("caseload")), "Robin Tessclient")

    def test_supervisor_cannot_change_supervisee_client(self) -> None:
        self.login(self.sam)
        for url in self.change_urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)
        response = self.client.post(
            reverse("client_edit", args=[self.tess_client.pk]),
            {"display_name": "Changed by sam"},
        )
        self.assertEqual(response.status_code, 404)
        self.tess_client.refresh_from_db()
        self.assertEqual(self.tess_client.display_name, "Robin Tessclient")
        self.assertGreaterEqual(self.denied_events(self.sam, client=self.tess_client), 1)

    def test_supervisor_cannot_see_unsupervised_therapist_clients(self) -> None:
        self.login(self.sam)
        url = reverse("client_detail", args=[self.otto_client.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotContains(self.client.get(reverse("caseload")), "Kit Ottoclient")
        self.assertEqual(self.denied_events(self.sam, client=self.otto_client), 1)

    def test_admin_cannot_open_clinical_data_without_break_glass(self) -> None:
        self.login(self.admin)
        for url in self.tess_urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertNotContains(self.client.get(reverse("caseload")), "Robin Tessclient")
        self.assertEqual(
            self.denied_events(self.admin, client=self.tess_client), len(self.tess_urls())
        )

    def test_break_glass_needs_a_reason(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            reverse("break_glass"), {"client_number": self.tess_client.pk, "reason": "x"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(BreakGlassGrant.objects.exists())

    def test_break_glass_opens_read_only_and_is_shown_to_therapist(self) -> None:
        self.login(self.admin)
        reason = "Client phoned in crisis; therapist unreachable"
        response = self.client.post(
            reverse("break_glass"), {"client_number": self.tess_client.pk, "reason": reason}
        )
        self.assertRedirects(response, reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(
            self.client.get(reverse("client_detail", args=[self.tess_client.pk])),
            "Robin Tessclient",
        )
        edit = reverse("client_edit", args=[self.tess_client.pk])
        self.assertEqual(self.client.get(edit).status_code, 404)
        event = AuditEvent.objects.get(action="break_glass.open")
        self.assertEqual(event.client, self.tess_client)
        self.assertNotIn(reason, event.detail)
        self.login(self.tess)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(page, "break glass")
        self.assertContains(page, reason)

    def test_break_glass_page_is_404_for_non_admins(self) -> None:
        for persona in (self.tess, self.sam):
            self.login(persona)
            self.assertEqual(self.client.get(reverse("break_glass")).status_code, 404)

    def test_staff_pages_are_admin_only(self) -> None:
        self.login(self.tess)
        self.assertEqual(self.client.get(reverse("staff_list")).status_code, 404)
        self.login(self.admin)
        self.assertContains(self.client.get(reverse("staff_list")), "tess")

    def test_reads_are_audited(self) -> None:
        self.login(self.tess)
        self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertTrue(
            AuditEvent.objects.filter(
                actor=self.tess, action="client.view", client=self.tess_client, outcome="allowed"
            ).exists()
        )

    def test_anonymous_visitor_is_sent_to_sign_in(self) -> None:
        response = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])
