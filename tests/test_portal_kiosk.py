"""Kiosk mode: a six-character code shown from the client page opens one invitation on
the waiting-room tablet, for 15 minutes, with 5 tries."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from strides.portal import kiosk, services
from strides.portal.models import KioskCode
from strides.portal.tokens import KIOSK_ALPHABET
from tests.base import PersonaTestCase


class KioskTests(PersonaTestCase):
    def setUp(self) -> None:
        self.invitation = services.invitation_create(
            actor=self.tess, episode=self.tess_episode, instruments=["gad7"], send_email=False
        ).invitation

    def show_code(self) -> str:
        self.login(self.tess)
        response = self.client.post(reverse("kiosk_new", args=[self.invitation.pk]))
        code = response.context["code"]
        self.assertContains(response, code)
        self.client.logout()
        return str(code)

    def test_the_code_opens_the_check_in_once(self) -> None:
        code = self.show_code()
        self.assertEqual(len(code), 6)
        self.assertTrue(set(code) <= set(KIOSK_ALPHABET))
        self.assertNotEqual(KioskCode.objects.get().code_hash, code)
        response = self.client.post(reverse("portal_kiosk"), {"code": code.lower()})
        self.assertRedirects(response, reverse("portal_welcome"))
        self.assertContains(self.client.get(reverse("portal_step", args=[1])), "1 of 1")
        self.client.logout()
        again = self.client.post(reverse("portal_kiosk"), {"code": code})
        self.assertContains(again, "did not open a check-in")

    def test_the_code_expires_after_15_minutes(self) -> None:
        code = self.show_code()
        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            response = self.client.post(reverse("portal_kiosk"), {"code": code})
        self.assertContains(response, "did not open a check-in")

    def test_five_wrong_tries_lock_the_tablet_out(self) -> None:
        code = self.show_code()
        for guess in ("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE"):
            self.client.post(reverse("portal_kiosk"), {"code": guess})
        response = self.client.post(reverse("portal_kiosk"), {"code": code})
        self.assertContains(response, "did not open a check-in")
        self.assertIsNone(KioskCode.objects.get().used_at)

    def test_stranger_cannot_show_a_code(self) -> None:
        self.login(self.otto)
        response = self.client.post(reverse("kiosk_new", args=[self.invitation.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertFalse(KioskCode.objects.exists())

    def test_a_new_code_replaces_the_old_one(self) -> None:
        first = kiosk.kiosk_code_create(actor=self.tess, invitation=self.invitation)
        second = kiosk.kiosk_code_create(actor=self.tess, invitation=self.invitation)
        self.assertIsNone(kiosk.kiosk_open(code=first, address="tablet"))
        self.assertEqual(kiosk.kiosk_open(code=second, address="tablet"), self.invitation)
