"""/healthz answers "ok" or "unavailable" (503), never an exception's text."""

from unittest import mock

from django.db import OperationalError
from django.test import TestCase
from django.urls import reverse


class HealthzTests(TestCase):
    def test_up(self) -> None:
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "ok")

    def test_database_failure_says_unavailable_without_details(self) -> None:
        error = OperationalError('could not connect to "db.internal" as user strides_secret')
        with (
            mock.patch("strides.web.views.connection.cursor", side_effect=error),
            self.assertLogs("strides.web.views", "WARNING"),
        ):
            response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "unavailable"})
        self.assertNotIn(b"db.internal", response.content)
        self.assertNotIn(b"secret", response.content)
