"""The client's own story, shared per client by the therapist: charts with the expected
band, goals in their words, milestones and delivered celebration messages, nothing else;
queued celebration messages reach the client by email; an expired story link offers a
fresh one to the address on file."""

import uuid
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from strides.assessments.services import assessment_record
from strides.goals.services import goal_create
from strides.milestones.models import CelebrationMessage, Milestone
from strides.milestones.services import milestone_queue_message, milestone_record
from strides.portal import services
from strides.portal.models import ClientPortal, EmailDelivery, EmailKind, Invitation, Purpose
from strides.portal.story import client_visible
from tests.base import PersonaTestCase, phq9_answers
from tests.portal_helpers import outbox_mail, outbox_settings, run_worker

MESSAGE = "You have worked so hard for this. Well done!"


class StoryTests(PersonaTestCase):
    def setUp(self) -> None:
        self.tess_client.email = "robin@example.org"
        self.tess_client.celebrations_opt_in = True
        self.tess_client.save()
        mail_settings, self.outbox = outbox_settings()
        mail_settings.enable()
        self.addCleanup(mail_settings.disable)
        for day, total in ((date(2026, 9, 1), 18), (date(2026, 9, 15), 9)):
            assessment_record(
                actor=self.tess,
                episode=self.tess_episode,
                instrument_code="phq9",
                answers=phq9_answers(total),
                taken_on=day,
                submission_key=uuid.uuid4(),
            )
        goal_create(
            actor=self.tess,
            episode=self.tess_episode,
            text="Sleep through the night",
            submission_key=uuid.uuid4(),
        )

    def share(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("portal_story_toggle", args=[self.tess_episode.pk]), {"on": "1"}
        )
        self.assertEqual(response.status_code, 302)
        self.client.logout()

    def story_link(self) -> str:
        new = services.invitation_create(
            actor=None,
            episode=self.tess_episode,
            instruments=[],
            purpose=Purpose.STORY,
            send_email=False,
        )
        return reverse("portal_open", args=[new.token])

    def test_shared_story_shows_charts_goals_milestones_and_nothing_else(self) -> None:
        self.share()
        milestone_record(
            actor=self.tess,
            episode=self.tess_episode,
            summary="Back at work",
            occurred_on=date(2026, 9, 15),
        )
        response = self.client.get(self.story_link(), follow=True)
        self.assertContains(response, "Your progress")
        self.assertContains(response, "<svg")
        self.assertContains(response, "Sleep through the night")
        self.assertContains(response, "Noted by the therapist")
        self.assertNotContains(response, "Back at work")  # the therapist's own words stay
        self.assertNotContains(response, "risk")
        self.assertNotContains(response, self.tess_client.display_name)

    def test_story_is_refused_until_the_therapist_shares_it(self) -> None:
        response = self.client.get(self.story_link())
        self.assertEqual(response.status_code, 410)

    def test_a_story_link_opens_one_session_only(self) -> None:
        self.share()
        link = self.story_link()
        self.assertEqual(self.client.get(link).status_code, 302)
        self.client.session.flush()
        self.assertEqual(self.client.get(link).status_code, 410)

    def test_a_story_session_cannot_answer(self) -> None:
        self.share()
        self.client.get(self.story_link())
        self.assertEqual(self.client.get(reverse("portal_step", args=[1])).status_code, 410)

    def test_stranger_cannot_share_the_story(self) -> None:
        self.login(self.otto)
        response = self.client.post(
            reverse("portal_story_toggle", args=[self.tess_episode.pk]), {"on": "1"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(ClientPortal.objects.filter(story_enabled=True).exists())

    def test_queued_celebration_messages_are_delivered_by_email_and_shown(self) -> None:
        self.share()
        milestone = Milestone.objects.filter(episode=self.tess_episode).first()
        assert milestone is not None
        milestone_queue_message(actor=self.tess, milestone=milestone, text=MESSAGE)
        self.assertEqual(run_worker()["celebrations"], 1)
        self.assertEqual(run_worker()["celebrations"], 0)
        self.assertIsNotNone(CelebrationMessage.objects.get().delivered_at)
        delivery = EmailDelivery.objects.get(kind=EmailKind.CELEBRATION)
        mail = outbox_mail(self.outbox)
        self.assertIn("Subject: A message from your therapist", mail)
        self.assertNotIn(MESSAGE, mail)  # the words are read in the story, not the mail
        self.assertNotIn(self.tess_client.display_name, mail)
        link = mail.split("/p/o/", 1)[1].split()[0]
        response = self.client.get(reverse("portal_open", args=[link]), follow=True)
        self.assertContains(response, MESSAGE)
        self.assertEqual(delivery.invitation.purpose, Purpose.STORY)  # type: ignore[union-attr]

    def test_an_expired_story_link_offers_a_fresh_one_to_the_address_on_file(self) -> None:
        self.share()
        link = self.story_link()
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        refused = self.client.get(link)
        self.assertContains(refused, "Email me a fresh link", status_code=410)
        token = link.rsplit("/", 1)[1]
        data: dict[str, Any] = {"token": token, "email": "attacker@example.org"}
        self.assertContains(self.client.post(reverse("portal_story_renew"), data), "on its way")
        fresh = EmailDelivery.objects.get(kind=EmailKind.STORY)
        self.assertEqual(fresh.to_address, "robin@example.org")
        self.client.post(reverse("portal_story_renew"), data)
        self.assertEqual(EmailDelivery.objects.filter(kind=EmailKind.STORY).count(), 1)

    def test_alliance_measures_are_hidden_from_clients_by_default(self) -> None:
        self.assertTrue(client_visible("phq9"))
        self.assertFalse(client_visible("srs"))  # alliance (no definition shipped: hidden)
