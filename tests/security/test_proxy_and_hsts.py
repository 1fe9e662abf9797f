"""Proxy headers are believed only with STRIDES_TRUSTED_PROXY=1; HSTS scope is opt-in;
production-like settings still pass `strides check --deploy --fail-level WARNING`."""

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory, SimpleTestCase, override_settings

from strides.audit.source import client_address

STRIDES = str(Path(sys.executable).parent / "strides")
SHOW_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, "
    "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD]))"
)


def production_env(**extra: str) -> dict[str, str]:
    # Without DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set for this process.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "strides.settings",
        "STRIDES_VAR_DIR": tempfile.mkdtemp(),
        "STRIDES_DEBUG": "0",
        "STRIDES_HTTPS": "1",
        "STRIDES_ALLOWED_HOSTS": "strides.example.org",
        "STRIDES_SECRET_KEY": secrets.token_urlsafe(50),
        **extra,
    }


class ProductionSettingsTests(SimpleTestCase):
    def settings_under(self, **extra: str) -> list[object]:
        result = subprocess.run(
            [sys.executable, "-c", SHOW_SETTINGS],
            env=production_env(**extra),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return json.loads(result.stdout)

    def test_https_alone_trusts_no_proxy_and_keeps_hsts_to_this_host(self) -> None:
        self.assertEqual(self.settings_under(), [None, 31536000, False, False])

    def test_proxy_and_hsts_scope_are_opt_in(self) -> None:
        self.assertEqual(
            self.settings_under(
                STRIDES_TRUSTED_PROXY="1", STRIDES_HSTS_SUBDOMAINS="1", STRIDES_HSTS_PRELOAD="1"
            ),
            [["HTTP_X_FORWARDED_PROTO", "https"], 31536000, True, True],
        )

    def test_check_deploy_passes_at_warning_level(self) -> None:
        for extra in ({}, {"STRIDES_HSTS_SUBDOMAINS": "1", "STRIDES_HSTS_PRELOAD": "1"}):
            with self.subTest(extra=extra):
                result = subprocess.run(
                    [STRIDES, "check", "--deploy", "--fail-level", "WARNING"],
                    env=production_env(**extra),
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=False,
                )
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


class ForwardedHeaderTests(SimpleTestCase):
    def request(self) -> WSGIRequest:
        return RequestFactory().get(
            "/", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.5"
        )

    def test_forwarded_headers_are_ignored_by_default(self) -> None:
        request = self.request()
        self.assertFalse(request.is_secure())
        self.assertEqual(client_address(request), "127.0.0.1")

    @override_settings(
        STRIDES_TRUSTED_PROXY=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
    )
    def test_a_trusted_proxy_gives_scheme_and_the_address_it_saw(self) -> None:
        request = self.request()
        self.assertTrue(request.is_secure())
        self.assertEqual(client_address(request), "192.0.2.5")  # not the caller's claim
