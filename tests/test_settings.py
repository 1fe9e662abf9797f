"""Start-up safety: insecure production settings are refused with a fix; /healthz answers."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from strides.deployment import insecure_setting_problems
from strides.env import env_bool, read_or_create_secret_key

STRONG = "k" * 10 + "Zq8-vX2_rT5pLm3nB7cD9fG1hJ4wYs6eA0uI"


class InsecureSettingsTests(SimpleTestCase):
    def problems(self, **overrides: object) -> list[str]:
        values: dict = {
            "secret_key": STRONG,
            "allowed_hosts": ["strides.example.org"],
            "database_url": "postgres://strides:pw@db:5432/strides",
        }
        values.update(overrides)
        return insecure_setting_problems(**values)

    def test_good_settings_pass(self) -> None:
        self.assertEqual(self.problems(), [])

    def test_weak_or_default_secret_is_refused(self) -> None:
        for secret in ("", "changeme", "django-insecure-abc", "short", "a" * 60):
            self.assertIn("STRIDES_SECRET_KEY", " ".join(self.problems(secret_key=secret)))

    def test_wildcard_or_empty_hosts_are_refused(self) -> None:
        for hosts in (["*"], []):
            self.assertIn("STRIDES_ALLOWED_HOSTS", " ".join(self.problems(allowed_hosts=hosts)))

    def test_empty_database_password_is_refused(self) -> None:
        problems = self.problems(database_url="postgres://strides@db:5432/strides")
        self.assertIn("empty database password", " ".join(problems))

    def test_sqlite_needs_no_password(self) -> None:
        self.assertEqual(self.problems(database_url="sqlite:////tmp/x.sqlite3"), [])

    def test_strides_refuses_to_start_and_says_how_to_fix(self) -> None:
        env = {
            **os.environ,
            "STRIDES_DEBUG": "0",
            "STRIDES_SECRET_KEY": "changeme",
            "STRIDES_ALLOWED_HOSTS": "*",
        }
        result = subprocess.run(
            [sys.executable, "-m", "django", "check", "--settings", "strides.settings"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("refuses to start", result.stderr)
        self.assertIn("STRIDES_SECRET_KEY", result.stderr)
        self.assertIn("STRIDES_ALLOWED_HOSTS", result.stderr)

    def test_secret_key_is_generated_once_and_kept(self) -> None:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "var" / "secret_key"
            first = read_or_create_secret_key(path)
            self.assertEqual(read_or_create_secret_key(path), first)
            self.assertGreaterEqual(len(first), 50)
            self.assertEqual(path.stat().st_mode & 0o777, 0o600)

    def test_yes_no_values_are_checked(self) -> None:
        os.environ["STRIDES_TEST_FLAG"] = "maybe"
        try:
            with self.assertRaisesMessage(ValueError, "STRIDES_TEST_FLAG"):
                env_bool("STRIDES_TEST_FLAG")
        finally:
            del os.environ["STRIDES_TEST_FLAG"]


class HealthTests(TestCase):
    def test_healthz_answers_200_when_database_is_up(self) -> None:
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_stylesheet_is_served_without_any_third_party_host(self) -> None:
        response = self.client.get("/static/strides/strides.css")
        self.assertEqual(response.status_code, 200)
        page = self.client.get(reverse("account_login")).content.decode()
        self.assertNotRegex(page, r'(src|href)="(https?:)?//')
