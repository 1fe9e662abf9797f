"""The idle timeout: a session ends STRIDES_IDLE_MINUTES after its last refresh, and a
request refreshes it (one session write) only when the last refresh is a minute old."""

from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from strides.web.sessions import REFRESHED_AT
from tests.base import PASSWORD, PersonaTestCase


def session_writes(captured: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in captured.captured_queries
        if query["sql"].startswith(("UPDATE", "INSERT")) and '"django_session"' in query["sql"]
    )


class IdleSessionTests(PersonaTestCase):
    def setUp(self) -> None:
        response = self.client.post(
            reverse("account_login"), {"login": "tess", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)

    def stored(self) -> Session:
        return Session.objects.get(session_key=self.client.session.session_key)

    def later(self, seconds: int) -> "mock._patch[mock.MagicMock]":
        """The clock `seconds` after the session's last refresh (not after now: a slow
        machine must not push a 59-second request past the minute)."""
        refreshed = int(self.client.session[REFRESHED_AT])
        return mock.patch("strides.web.sessions.time.time", return_value=refreshed + seconds)

    def test_a_session_lasts_the_idle_time(self) -> None:
        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        self.assertFalse(settings.SESSION_SAVE_EVERY_REQUEST)
        self.assertEqual(self.client.session.get_expiry_age(), 30 * 60)
        left = self.stored().expire_date - timezone.now()
        self.assertGreater(left, timedelta(minutes=29))

    def test_pages_within_a_minute_do_not_write_the_session(self) -> None:
        self.client.get(reverse("caseload"))  # the first page after sign-in refreshes it
        with CaptureQueriesContext(connection) as captured:
            for _ in range(3):
                self.assertEqual(self.client.get(reverse("caseload")).status_code, 200)
        self.assertEqual(session_writes(captured), 0)

    def test_a_page_a_minute_later_moves_the_expiry_on(self) -> None:
        self.client.get(reverse("caseload"))
        before = self.stored().expire_date
        with self.later(59), CaptureQueriesContext(connection) as captured:
            self.client.get(reverse("caseload"))
        self.assertEqual(session_writes(captured), 0)
        with self.later(61), CaptureQueriesContext(connection) as captured:
            self.client.get(reverse("caseload"))
        self.assertEqual(session_writes(captured), 1)
        self.assertGreater(self.stored().expire_date, before)

    def test_a_session_past_its_expiry_is_signed_out(self) -> None:
        Session.objects.filter(session_key=self.client.session.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        response = self.client.get(reverse("caseload"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])

    def test_a_visitor_without_a_session_gets_none(self) -> None:
        self.client.logout()
        count = Session.objects.count()
        self.client.get(reverse("healthz"))
        self.client.get(reverse("account_login"))
        self.assertEqual(Session.objects.count(), count)
