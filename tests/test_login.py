"""Sign-in: one message for every failure, lockout after repeated failures, audited."""

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from strides.audit.models import AuditEvent
from tests.base import PASSWORD, PersonaTestCase


class LoginTests(PersonaTestCase):
    def attempt(self, username: str, password: str):
        return self.client.post(reverse("account_login"), {"login": username, "password": password})

    def error_text(self, response) -> str:
        return " ".join(response.context["form"].non_field_errors())

    def test_right_password_signs_in_and_is_audited(self) -> None:
        response = self.attempt("tess", PASSWORD)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertRedirects(self.client.get(reverse("home")), reverse("caseload"))
        self.assertTrue(
            AuditEvent.objects.filter(actor=self.tess, action="login.succeeded").exists()
        )

    def test_admin_lands_on_staff_accounts(self) -> None:
        self.attempt("admin", PASSWORD)
        self.assertRedirects(self.client.get(reverse("home")), reverse("staff_list"))

    def test_unknown_user_and_wrong_password_get_identical_responses(self) -> None:
        unknown = self.attempt("nobody", "whatever-password")
        wrong = self.attempt("tess", "whatever-password")
        self.assertEqual(unknown.status_code, wrong.status_code)
        self.assertEqual(self.error_text(unknown), self.error_text(wrong))
        self.assertTrue(self.error_text(wrong))

    def test_failures_are_audited_with_the_attempted_name(self) -> None:
        self.attempt("nobody", "x-password")
        self.attempt("tess", "x-password")
        failures = AuditEvent.objects.filter(action="login.failed", outcome="failure")
        self.assertEqual(sorted(failures.values_list("actor_label", flat=True)), ["nobody", "tess"])
        self.assertEqual(failures.get(actor_label="tess").actor, self.tess)

    def test_lockout_after_configured_failures_even_with_right_password(self) -> None:
        for _ in range(settings.STRIDES_LOCKOUT_FAILURES):
            self.attempt("tess", "wrong-password")
        locked = self.attempt("tess", PASSWORD)
        self.assertEqual(locked.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self.error_text(locked), self.error_text(self.attempt("tess", "wrong")))
        self.assertTrue(
            AuditEvent.objects.filter(action="login.locked_out", actor=self.tess).exists()
        )

    def test_lockout_is_per_username(self) -> None:
        for _ in range(settings.STRIDES_LOCKOUT_FAILURES):
            self.attempt("tess", "wrong-password")
        self.assertRedirects(
            self.attempt("otto", PASSWORD), reverse("home"), fetch_redirect_response=False
        )

    @override_settings(STRIDES_LOCKOUT_FAILURES=2)
    def test_lockout_count_is_a_setting(self) -> None:
        self.attempt("tess", "wrong-password")
        self.attempt("tess", "wrong-password")
        self.assertEqual(self.attempt("tess", PASSWORD).status_code, 200)

    def test_unknown_user_lockout_looks_the_same(self) -> None:
        for _ in range(settings.STRIDES_LOCKOUT_FAILURES + 1):
            response = self.attempt("ghost", "wrong-password")
        self.assertEqual(self.error_text(response), self.error_text(self.attempt("tess", "bad")))

    def test_logout_is_audited(self) -> None:
        self.login(self.tess)
        self.client.post(reverse("account_logout"))
        self.assertTrue(AuditEvent.objects.filter(actor=self.tess, action="logout").exists())

    def test_nobody_can_sign_up(self) -> None:
        response = self.client.post(
            reverse("account_signup"), {"username": "newbie", "password1": "a-long-password-1"}
        )
        self.assertFalse(type(self.tess).objects.filter(username="newbie").exists())
        self.assertIn(response.status_code, {200, 302})


class TwoFactorTests(PersonaTestCase):
    def reauthenticate(self) -> None:
        """Setting up two-factor asks for the password again (allauth's safeguard)."""
        response = self.client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    @override_settings(STRIDES_MFA_REQUIRED_ROLES=["therapist"])
    def test_role_that_must_use_two_factor_is_sent_to_set_it_up(self) -> None:
        self.client.post(reverse("account_login"), {"login": "tess", "password": PASSWORD})
        response = self.client.get(reverse("caseload"))
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)
        self.reauthenticate()
        self.assertEqual(self.client.get(reverse("mfa_activate_totp")).status_code, 200)

    @override_settings(STRIDES_MFA_REQUIRED_ROLES=["therapist"])
    def test_other_roles_are_not_forced(self) -> None:
        self.login(self.sam)
        self.assertEqual(self.client.get(reverse("caseload")).status_code, 200)

    def test_totp_with_recovery_codes_can_be_activated(self) -> None:
        from allauth.mfa.models import Authenticator

        self.client.post(reverse("account_login"), {"login": "tess", "password": PASSWORD})
        self.reauthenticate()
        page = self.client.get(reverse("mfa_activate_totp"))
        self.assertEqual(page.status_code, 200)
        secret = self.client.session["mfa.totp.secret"]
        from allauth.mfa.totp.internal.auth import (
            format_hotp_value,
            hotp_value,
            yield_hotp_counters_from_time,
        )

        counter = next(yield_hotp_counters_from_time())
        code = format_hotp_value(hotp_value(secret, counter))
        response = self.client.post(reverse("mfa_activate_totp"), {"code": code})
        self.assertEqual(response.status_code, 302)
        kinds = set(Authenticator.objects.filter(user=self.tess).values_list("type", flat=True))
        self.assertEqual(kinds, {"totp", "recovery_codes"})
