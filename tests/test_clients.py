"""Clients, episodes and appointments through real HTTP: create, edit, end, list, search."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strides.audit.models import AuditEvent
from strides.clients.models import Appointment, Client, Episode
from tests.base import PersonaTestCase


class ClientFlowTests(PersonaTestCase):
    def test_therapist_takes_on_a_new_client_with_first_episode(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("client_new"),
            {
                "display_name": "Jules Newclient",
                "episode_start": "2026-10-01",
                "presenting_problem": "Low mood",
                "anxiety_measure": "gad7",
                "email": "",
                "phone": "",
                "date_of_birth": "",
            },
        )
        client = Client.objects.get(display_name="Jules Newclient")
        self.assertRedirects(response, reverse("client_detail", args=[client.pk]))
        episode = client.episodes.get()
        self.assertEqual((episode.therapist, str(episode.start)), (self.tess, "2026-10-01"))
        self.assertTrue(AuditEvent.objects.filter(action="client.create", client=client).exists())

    def test_new_client_needs_a_name_and_says_so(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("client_new"), {"display_name": "", "episode_start": "2026-10-01"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["display_name"])
        self.assertEqual(Client.objects.count(), 2)

    def test_only_therapists_take_on_clients(self) -> None:
        for persona in (self.sam, self.admin):
            self.login(persona)
            self.assertEqual(self.client.get(reverse("client_new")).status_code, 404)

    def test_edit_client_details(self) -> None:
        self.login(self.tess)
        self.client.post(
            reverse("client_edit", args=[self.tess_client.pk]),
            {
                "display_name": "Robin T.",
                "email": "robin@example.invalid",
                "phone": "",
                "date_of_birth": "1990-05-04",
            },
        )
        self.tess_client.refresh_from_db()
        self.assertEqual(self.tess_client.display_name, "Robin T.")
        self.assertEqual(str(self.tess_client.date_of_birth), "1990-05-04")

    def test_invalid_email_keeps_what_was_saved(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("client_edit", args=[self.tess_client.pk]),
            {"display_name": "Changed", "email": "not-an-email"},
        )
        self.assertEqual(response.status_code, 200)
        self.tess_client.refresh_from_db()
        self.assertEqual(self.tess_client.display_name, "Robin Tessclient")

    def test_end_an_episode_with_a_reason(self) -> None:
        self.login(self.tess)
        self.client.post(
            reverse("episode_end", args=[self.tess_episode.pk]),
            {"end": "2026-11-20", "end_reason": "planned"},
        )
        self.tess_episode.refresh_from_db()
        self.assertEqual(
            (str(self.tess_episode.end), self.tess_episode.end_reason), ("2026-11-20", "planned")
        )

    def test_episode_cannot_end_before_it_starts(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("episode_end", args=[self.tess_episode.pk]),
            {"end": "2020-01-01", "end_reason": "planned"},
        )
        self.assertContains(response, "1 September 2026 (the episode&#x27;s start) and today")
        self.tess_episode.refresh_from_db()
        self.assertIsNone(self.tess_episode.end)

    def test_new_episode_and_edit(self) -> None:
        self.login(self.tess)
        self.client.post(
            reverse("episode_new", args=[self.tess_client.pk]),
            {"start": "2026-11-01", "presenting_problem": "Panic", "anxiety_measure": "pdss"},
        )
        episode = Episode.objects.get(client=self.tess_client, start="2026-11-01")
        self.client.post(
            reverse("episode_edit", args=[episode.pk]),
            {
                "start": "2026-11-02",
                "presenting_problem": "Panic attacks",
                "anxiety_measure": "pdss",
            },
        )
        episode.refresh_from_db()
        self.assertEqual(
            (str(episode.start), episode.presenting_problem), ("2026-11-02", "Panic attacks")
        )

    def test_appointments_are_recorded_and_updated(self) -> None:
        self.login(self.tess)
        self.client.post(
            reverse("appointment_new", args=[self.tess_episode.pk]),
            {"at": "2026-11-03T10:00", "kind": "treatment", "status": "scheduled"},
        )
        appointment = Appointment.objects.get(episode=self.tess_episode, status="scheduled")
        self.client.post(
            reverse("appointment_edit", args=[appointment.pk]),
            {"at": "2026-11-03T10:00", "kind": "treatment", "status": "did_not_attend"},
        )
        appointment.refresh_from_db()
        self.assertEqual(appointment.status, "did_not_attend")
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(page, "Did not attend")

    def test_caseload_search(self) -> None:
        Episode.objects.create(
            client=Client.objects.create(display_name="Ari Other"),
            therapist=self.tess,
            start="2026-10-10",
        )
        self.login(self.tess)
        response = self.client.post(reverse("caseload"), {"q": "tessclient"})
        self.assertContains(response, "Robin Tessclient")
        self.assertNotContains(response, "Ari Other")

    def test_caseload_search_as_htmx_returns_only_rows(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("caseload"),
            {"q": "robin"},
            headers={"HX-Request": "true", "HX-Target": "caseload-results"},
        )
        self.assertContains(response, "Robin Tessclient")
        self.assertNotContains(response, "<html")

    def test_ended_episodes_hidden_unless_asked(self) -> None:
        self.tess_episode.end = self.tess_episode.start
        self.tess_episode.end_reason = "planned"
        self.tess_episode.save()
        self.login(self.tess)
        self.assertNotContains(self.client.get(reverse("caseload")), "Robin Tessclient")
        self.assertContains(
            self.client.get(reverse("caseload"), {"ended": "1"}), "Robin Tessclient"
        )

    def test_caseload_query_count_does_not_grow_with_clients(self) -> None:
        self.login(self.tess)
        self.client.get(reverse("caseload"))
        with CaptureQueriesContext(connection) as small:
            self.client.get(reverse("caseload"))
        for i in range(15):
            Episode.objects.create(
                client=Client.objects.create(display_name=f"Extra {i}"),
                therapist=self.tess,
                start="2026-10-10",
            )
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(reverse("caseload"))
        self.assertContains(response, "Extra 14")
