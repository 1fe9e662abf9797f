"""The role is part of the rule: episodes count only for an active therapist, and a
therapist with open episodes keeps the therapist role until they are transferred."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from strides.accounts.models import Role
from strides.accounts.permissions import Access, client_access, episode_access
from strides.accounts.services import user_update
from strides.clients.models import Episode
from tests.base import PersonaTestCase


class AdminWithEpisodesTests(PersonaTestCase):
    def test_an_admin_has_no_clinical_access_from_episodes_they_once_had(self) -> None:
        episode = Episode.objects.create(
            client=self.tess_client, therapist=self.admin, start="2026-10-01"
        )
        self.assertEqual(episode_access(self.admin, episode), Access.NONE)
        self.assertEqual(client_access(self.admin, self.tess_client), Access.NONE)
        self.login(self.admin)
        for url in (
            reverse("client_detail", args=[self.tess_client.pk]),
            reverse("episode_edit", args=[episode.pk]),
            reverse("assessment_new", args=[episode.pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertNotContains(self.client.get(reverse("caseload")), "Robin Tessclient")

    def test_a_supervisor_gains_nothing_from_own_episodes(self) -> None:
        episode = Episode.objects.create(
            client=self.otto_client, therapist=self.sam, start="2026-10-01"
        )
        self.assertEqual(episode_access(self.sam, episode), Access.NONE)
        self.assertEqual(episode_access(self.sam, self.otto_episode), Access.NONE)

    def test_a_deactivated_therapist_sees_nothing(self) -> None:
        self.tess.is_active = False
        self.assertEqual(episode_access(self.tess, self.tess_episode), Access.NONE)


class RoleChangeWithOpenEpisodesTests(PersonaTestCase):
    def test_making_a_treating_therapist_admin_is_refused(self) -> None:
        for role in (Role.ADMIN, Role.SUPERVISOR):
            with self.assertRaisesMessage(ValidationError, "still treats 1 open episode"):
                user_update(
                    actor=self.admin, user=self.tess, role=role, is_active=True, supervisees=[]
                )
        self.tess.refresh_from_db()
        self.assertEqual(self.tess.role, Role.THERAPIST)

    def test_deactivating_a_treating_therapist_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "transfer it to another therapist"):
            user_update(
                actor=self.admin,
                user=self.tess,
                role=Role.THERAPIST,
                is_active=False,
                supervisees=[],
            )
        self.tess.refresh_from_db()
        self.assertTrue(self.tess.is_active)

    def test_the_staff_page_says_why_and_lists_the_episodes_to_transfer(self) -> None:
        self.login(self.admin)
        url = reverse("staff_edit", args=[self.tess.pk])
        response = self.client.post(url, {"role": Role.ADMIN, "is_active": "on"})
        self.assertContains(response, "still treats 1 open episode")
        self.assertContains(response, reverse("episode_transfer", args=[self.tess_episode.pk]))
        self.assertNotContains(response, "Robin")

    def test_once_the_episodes_ended_the_role_can_change(self) -> None:
        self.tess_episode.end = self.tess_episode.start
        self.tess_episode.save()
        user_update(
            actor=self.admin, user=self.tess, role=Role.ADMIN, is_active=True, supervisees=[]
        )
        self.tess.refresh_from_db()
        self.assertEqual(self.tess.role, Role.ADMIN)
        self.assertEqual(episode_access(self.tess, self.tess_episode), Access.NONE)
