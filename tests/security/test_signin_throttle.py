"""Sign-in throttles: two-factor codes, lockout per username and address, spraying,
allauth's rate limits on a shared cache, and password reset without a mail server."""

import json
from typing import TYPE_CHECKING

from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from strides.audit.models import AuditEvent
from tests.base import PASSWORD, PersonaTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

HOME = "192.0.2.10"
ELSEWHERE = "198.51.100.20"
LOCAL_MAILER = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class SignInTestCase(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()  # allauth's rate-limit counters, kept in the database cache table

    def attempt(self, username: str, password: str, address: str = HOME) -> "TestResponse":
        return self.client.post(
            reverse("account_login"),
            {"login": username, "password": password},
            REMOTE_ADDR=address,
        )

    def signed_in(self, username: str, address: str) -> bool:
        self.client.logout()
        response = self.attempt(username, PASSWORD, address)
        return response.status_code == 302 and "_auth_user_id" in self.client.session


class TwoFactorCodeTests(SignInTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.secret = generate_totp_secret()
        TOTP.activate(self.tess, self.secret)

    def right_code(self) -> str:
        return format_hotp_value(hotp_value(self.secret, next(yield_hotp_counters_from_time())))

    def code(self, code: str) -> "TestResponse":
        return self.client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=HOME)

    def test_password_leads_to_the_code_step(self) -> None:
        response = self.attempt("tess", PASSWORD)
        self.assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
        self.assertRedirects(
            self.code(self.right_code()), reverse("home"), fetch_redirect_response=False
        )

    def test_sixty_wrong_codes_are_stopped_and_audited(self) -> None:
        self.attempt("tess", PASSWORD)
        wrong = "000000" if self.right_code() != "000000" else "111111"
        for _ in range(60):
            self.code(wrong)
        failures = AuditEvent.objects.filter(action="login.failed", actor=self.tess)
        self.assertEqual(failures.count(), 60)
        self.assertIn('"stage": "two_factor"', failures.first().detail)  # type: ignore[union-attr]
        self.assertTrue(
            AuditEvent.objects.filter(action="login.locked_out", actor=self.tess).exists()
        )
        refused = self.code(self.right_code())
        self.assertEqual(refused.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertContains(refused, "Too many failed login attempts")

    def test_wrong_codes_count_towards_the_password_lockout(self) -> None:
        self.attempt("tess", PASSWORD)
        for _ in range(settings.STRIDES_LOCKOUT_FAILURES):
            self.code("000000" if self.right_code() != "000000" else "111111")
        self.client.logout()
        response = self.attempt("tess", PASSWORD)
        self.assertEqual(response.status_code, 200)  # the form again, not on to the code step
        self.assertNotIn("_auth_user_id", self.client.session)


class LockoutScopeTests(SignInTestCase):
    def test_failures_from_one_address_do_not_lock_the_account_elsewhere(self) -> None:
        for _ in range(settings.STRIDES_LOCKOUT_FAILURES):
            self.attempt("tess", "wrong-password", ELSEWHERE)
        self.assertFalse(self.signed_in("tess", ELSEWHERE))
        self.assertTrue(self.signed_in("tess", HOME))
        locked = AuditEvent.objects.get(action="login.locked_out", actor=self.tess)
        self.assertEqual(locked.source, ELSEWHERE)
        self.assertEqual(json.loads(locked.detail)["limit"], "username_address")

    @override_settings(STRIDES_LOCKOUT_USERNAME_FAILURES=8)
    def test_per_username_backstop_counts_failures_from_everywhere(self) -> None:
        for n in range(8):
            self.attempt("tess", "wrong-password", f"203.0.113.{n}")
        self.assertFalse(self.signed_in("tess", HOME))
        self.assertTrue(self.signed_in("otto", HOME))

    @override_settings(STRIDES_LOCKOUT_ADDRESS_FAILURES=6)
    def test_password_spraying_from_one_address_is_throttled(self) -> None:
        for n in range(6):
            self.attempt(f"guess{n}", "Winter2026!", ELSEWHERE)
        self.assertFalse(self.signed_in("otto", ELSEWHERE))
        self.assertTrue(self.signed_in("otto", HOME))
        locked = AuditEvent.objects.get(action="login.locked_out")
        self.assertEqual(json.loads(locked.detail)["limit"], "address")

    def test_thresholds_are_documented_settings(self) -> None:
        self.assertEqual(
            (
                settings.STRIDES_LOCKOUT_FAILURES,
                settings.STRIDES_LOCKOUT_USERNAME_FAILURES,
                settings.STRIDES_LOCKOUT_ADDRESS_FAILURES,
                settings.STRIDES_LOCKOUT_MINUTES,
            ),
            (5, 20, 20, 15),
        )
        readme = (settings.PACKAGE_DIR.parent / "README.md").read_text()
        for name in [
            "STRIDES_LOCKOUT_FAILURES",
            "STRIDES_LOCKOUT_USERNAME_FAILURES",
            "STRIDES_LOCKOUT_ADDRESS_FAILURES",
        ]:
            self.assertIn(f"`{name}`", readme)


class AllauthRateLimitTests(SignInTestCase):
    def test_rate_limits_are_on_and_kept_in_the_shared_database_cache(self) -> None:
        self.assertIsInstance(settings.ACCOUNT_RATE_LIMITS, dict)
        self.assertEqual(
            settings.CACHES["default"]["BACKEND"], "django.core.cache.backends.db.DatabaseCache"
        )
        self.attempt("tess", "wrong-password")
        table = settings.CACHES["default"]["LOCATION"]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            self.assertGreater(cursor.fetchone()[0], 0)

    def test_attempts_refused_by_allauths_limit_are_audited_too(self) -> None:
        limit = settings.STRIDES_LOCKOUT_USERNAME_FAILURES
        for n in range(limit + 1):
            response = self.attempt("tess", "wrong-password", f"203.0.113.{n}")
        self.assertContains(response, "Too many failed login attempts")
        failures = AuditEvent.objects.filter(action="login.failed", actor=self.tess)
        self.assertEqual(failures.count(), limit + 1)

    def test_migrate_creates_the_cache_table(self) -> None:
        table = settings.CACHES["default"]["LOCATION"]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        self.assertNotIn(table, connection.introspection.table_names())
        call_command("migrate", verbosity=0)
        self.assertIn(table, connection.introspection.table_names())


class PasswordResetTests(SignInTestCase):
    def reset(self, email: str = "tess@example.org", address: str = HOME) -> "TestResponse":
        return self.client.post(
            reverse("account_reset_password"), {"email": email}, REMOTE_ADDR=address
        )

    def test_without_a_mail_server_the_form_says_so(self) -> None:
        response = self.reset()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "cannot send email")
        self.assertContains(response, "admin")

    @override_settings(MAILERS=LOCAL_MAILER)
    def test_with_a_mail_server_the_mail_is_sent(self) -> None:
        self.tess.email = "tess@example.org"
        self.tess.save()
        response = self.reset()
        self.assertRedirects(
            response, reverse("account_reset_password_done"), fetch_redirect_response=False
        )
        self.assertEqual(len(mail.outbox), 1)

    @override_settings(MAILERS=LOCAL_MAILER)
    def test_reset_requests_are_rate_limited(self) -> None:
        statuses = [self.reset().status_code for _ in range(4)]
        self.assertEqual(statuses, [302, 302, 302, 429])
        self.assertEqual(self.reset("otto@example.org").status_code, 302)
        statuses = [self.reset(f"x{n}@example.org").status_code for n in range(3)]
        self.assertEqual(statuses[-1], 429)
