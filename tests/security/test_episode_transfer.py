"""An admin transfers an open episode to another therapist: audited with both ids,
shown on the client page, and the previous therapist keeps no access to it."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone

from strides.accounts.models import Role
from strides.accounts.permissions import Access, episode_access
from strides.accounts.services import user_update
from strides.audit.models import AuditEvent
from strides.clients.models import EpisodeTransfer
from strides.clients.services import episode_transfer
from tests.base import PersonaTestCase


class TransferServiceTests(PersonaTestCase):
    def test_transfer_moves_the_episode_and_is_audited_with_both_ids(self) -> None:
        transfer = episode_transfer(
            actor=self.admin, episode=self.tess_episode, therapist=self.otto
        )
        self.tess_episode.refresh_from_db()
        self.assertEqual(self.tess_episode.therapist, self.otto)
        self.assertEqual((transfer.from_therapist, transfer.to_therapist), (self.tess, self.otto))
        event = AuditEvent.objects.get(action="episode.transfer")
        self.assertEqual((event.actor, event.client), (self.admin, self.tess_client))
        self.assertEqual(event.detail, f'{{"from": {self.tess.pk}, "to": {self.otto.pk}}}')
        self.assertEqual(episode_access(self.otto, self.tess_episode), Access.WRITE)
        self.assertEqual(episode_access(self.tess, self.tess_episode), Access.NONE)

    def test_after_the_transfer_the_role_can_change(self) -> None:
        episode_transfer(actor=self.admin, episode=self.tess_episode, therapist=self.otto)
        user_update(
            actor=self.admin, user=self.tess, role=Role.ADMIN, is_active=True, supervisees=[]
        )
        self.tess.refresh_from_db()
        self.assertEqual(self.tess.role, Role.ADMIN)

    def test_only_an_admin_transfers(self) -> None:
        for persona in (self.tess, self.sam, self.otto):
            with self.assertRaises(Http404):
                episode_transfer(actor=persona, episode=self.tess_episode, therapist=self.otto)
        self.assertFalse(EpisodeTransfer.objects.exists())

    def test_only_to_another_active_therapist_and_only_an_open_episode(self) -> None:
        inactive = self.make_user("ivy", Role.THERAPIST)
        inactive.is_active = False
        inactive.save()
        for therapist, message in (
            (self.sam, "Transfer to an active therapist"),
            (self.admin, "Transfer to an active therapist"),
            (inactive, "Transfer to an active therapist"),
            (self.tess, "Tess already treats this episode"),
        ):
            with self.assertRaisesMessage(ValidationError, message):
                episode_transfer(actor=self.admin, episode=self.tess_episode, therapist=therapist)
        self.tess_episode.end = self.tess_episode.start
        self.tess_episode.save()
        with self.assertRaisesMessage(ValidationError, "only an open episode is transferred"):
            episode_transfer(actor=self.admin, episode=self.tess_episode, therapist=self.otto)
        self.assertFalse(EpisodeTransfer.objects.exists())


class TransferPageTests(PersonaTestCase):
    def url(self) -> str:
        return reverse("episode_transfer", args=[self.tess_episode.pk])

    def test_admin_transfers_from_the_staff_page(self) -> None:
        self.login(self.admin)
        staff_page = self.client.get(reverse("staff_edit", args=[self.tess.pk]))
        self.assertContains(staff_page, self.url())
        form = self.client.get(self.url())
        self.assertContains(form, "treated by Tess")
        self.assertNotContains(form, "Robin")
        response = self.client.post(self.url(), {"therapist": self.otto.pk})
        self.assertRedirects(response, reverse("staff_edit", args=[self.tess.pk]))
        self.tess_episode.refresh_from_db()
        self.assertEqual(self.tess_episode.therapist, self.otto)

    def test_the_client_page_shows_the_transfer(self) -> None:
        transfer = episode_transfer(
            actor=self.admin, episode=self.tess_episode, therapist=self.otto
        )
        self.login(self.otto)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        day = formats.date_format(timezone.localtime(transfer.at), "SHORT_DATE_FORMAT")
        self.assertContains(page, f"Transferred from Tess to Otto on {day}")

    def test_a_therapist_cannot_be_chosen_twice_or_outside_the_list(self) -> None:
        self.login(self.admin)
        for choice in (self.tess.pk, self.sam.pk):
            response = self.client.post(self.url(), {"therapist": choice})
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, 'class="error"')
        self.assertFalse(EpisodeTransfer.objects.exists())

    def test_stranger_gets_404(self) -> None:
        for persona in (self.tess, self.otto, self.sam):
            self.login(persona)
            self.assertEqual(self.client.get(self.url()).status_code, 404)
            self.assertEqual(
                self.client.post(self.url(), {"therapist": self.otto.pk}).status_code, 404
            )
        self.assertFalse(EpisodeTransfer.objects.exists())

    def test_an_ended_episode_has_no_transfer_page(self) -> None:
        self.tess_episode.end = self.tess_episode.start
        self.tess_episode.save()
        self.login(self.admin)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
