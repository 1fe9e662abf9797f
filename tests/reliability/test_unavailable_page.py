"""The 503 page for database errors, in process: from a view, from middleware (the 500
handler), from the session's save; a full disk told apart from a lost connection."""

import sqlite3
from typing import TYPE_CHECKING
from unittest import mock

from django.db import InterfaceError, OperationalError
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonaTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def full_disk_error() -> OperationalError:
    cause = sqlite3.OperationalError("database or disk is full")
    cause.sqlite_errorname = "SQLITE_FULL"
    error = OperationalError("database or disk is full")
    error.__cause__ = cause
    return error


class UnavailablePageTests(PersonaTestCase):
    def setUp(self) -> None:
        self.login(self.tess)
        self.client.raise_request_exception = False

    def assert_unavailable(self, response: "TestResponse", text: str) -> None:
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "5")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertContains(response, text, status_code=503)
        self.assertNotContains(response, "Traceback", status_code=503)

    def test_lost_connection_in_a_view(self) -> None:
        error = OperationalError('connection to "db.internal" refused')
        with (
            mock.patch("strides.clients.views.dashboard.caseload_rows", side_effect=error),
            self.assertLogs("strides.web.unavailable", "WARNING"),
        ):
            response = self.client.get(reverse("caseload"))
        self.assert_unavailable(response, "briefly unavailable")
        self.assertNotContains(response, "db.internal", status_code=503)

    def test_full_disk_on_a_form_says_not_saved(self) -> None:
        url = reverse("client_new")
        with mock.patch(
            "strides.clients.views.services.client_create", side_effect=full_disk_error()
        ):
            response = self.client.post(
                url,
                {
                    "display_name": "Synthetic",
                    "episode_start": timezone.localdate().isoformat(),
                    "anxiety_measure": "gad7",
                },
            )
        self.assert_unavailable(response, "could not write to its storage")
        self.assertContains(response, "could not save what you just sent", status_code=503)

    def test_error_in_middleware_reaches_the_500_handler(self) -> None:
        with (
            mock.patch(
                "strides.accounts.middleware.Authenticator.objects.filter",
                side_effect=InterfaceError("connection already closed"),
            ),
            self.settings(STRIDES_MFA_REQUIRED_ROLES=["therapist"]),
        ):
            response = self.client.get(reverse("caseload"))
        self.assert_unavailable(response, "briefly unavailable")

    def test_a_failed_session_save_keeps_a_read_and_refuses_a_write(self) -> None:
        with mock.patch(
            "django.contrib.sessions.backends.db.SessionStore.save",
            side_effect=full_disk_error(),
        ):
            read = self.client.get(reverse("caseload"))
            write = self.client.post(
                reverse("client_new"), {"display_name": "Synthetic", "episode_start": "x"}
            )
        self.assertEqual(read.status_code, 200)
        self.assert_unavailable(write, "could not write to its storage")

    def test_other_errors_stay_500(self) -> None:
        with mock.patch(
            "strides.clients.views.dashboard.caseload_rows", side_effect=RuntimeError("bug")
        ):
            response = self.client.get(reverse("caseload"))
        self.assertEqual(response.status_code, 500)
