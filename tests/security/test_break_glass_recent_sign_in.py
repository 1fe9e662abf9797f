"""Break-glass needs a sign-in within the last 15 minutes (STRIDES_RECENT_SIGN_IN_MINUTES):
older, the admin confirms the password first and comes back to the form."""

import time
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from strides.clients.models import BreakGlassGrant
from tests.base import PersonaTestCase


class BreakGlassRecentSignInTests(PersonaTestCase):
    def sign_in_minutes_ago(self, minutes: int) -> None:
        self.login(self.admin)
        self.admin.last_login = timezone.now() - timedelta(minutes=minutes)
        self.admin.save(update_fields=["last_login"])

    def test_a_fresh_sign_in_opens_the_form(self) -> None:
        self.sign_in_minutes_ago(1)
        self.assertEqual(self.client.get(reverse("break_glass")).status_code, 200)

    def test_an_old_sign_in_is_sent_to_confirm_the_password(self) -> None:
        self.sign_in_minutes_ago(16)
        url = reverse("break_glass")
        for response in (
            self.client.get(url),
            self.client.post(url, {"client_number": self.tess_client.pk, "reason": "x" * 20}),
        ):
            self.assertEqual(response.status_code, 302)
            self.assertEqual(
                response["Location"],
                f"{reverse('account_reauthenticate')}?next={url.replace('/', '%2F')}",
            )
        self.assertFalse(BreakGlassGrant.objects.exists())

    def test_a_recent_password_confirmation_counts(self) -> None:
        self.sign_in_minutes_ago(40)
        session = self.client.session
        session["account_authentication_methods"] = [{"method": "password", "at": time.time()}]
        session["account_authentication_methods_user"] = str(self.admin.pk)
        session.save()
        self.assertEqual(self.client.get(reverse("break_glass")).status_code, 200)
