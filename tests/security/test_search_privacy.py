"""Searching for a client keeps the name out of the URL, the history, the log and the audit."""

import re
from datetime import timedelta
from types import SimpleNamespace

from django.test import Client as BrowserClient
from django.urls import reverse
from gunicorn.config import Config
from gunicorn.glogging import Logger

from strides.audit.models import AuditEvent
from strides.clients.models import Client, Episode
from strides.web.management.commands.serve import ACCESS_LOG_FORMAT, gunicorn_argv
from tests.base import PersonaTestCase


class CaseloadSearchTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        other = Client.objects.create(display_name="Ari Other")
        Episode.objects.create(client=other, therapist=cls.tess, start="2026-10-10")

    def test_search_form_posts_with_csrf_and_pushes_no_url(self) -> None:
        self.login(self.tess)
        page = self.client.get(reverse("caseload")).content.decode()
        form = re.search(r'<form class="search[^>]*>', page)
        assert form is not None
        self.assertIn('method="post"', form.group(0))
        self.assertIn("hx-post=", form.group(0))
        self.assertNotIn("hx-get", form.group(0))
        self.assertNotIn("hx-push-url", form.group(0))
        after_form = page[form.end() :]
        self.assertIn('name="csrfmiddlewaretoken"', after_form[: after_form.index("</form>")])

    def test_search_by_post_finds_the_client(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("caseload"),
            {"q": "robin", "status": "", "sort": "status"},
            headers={"HX-Request": "true", "HX-Target": "caseload-results"},
        )
        self.assertContains(response, "Robin Tessclient")
        self.assertNotContains(response, "Ari Other")
        self.assertNotIn("HX-Push-Url", response.headers)

    def test_search_post_needs_the_csrf_token(self) -> None:
        browser = BrowserClient(enforce_csrf_checks=True)
        browser.force_login(self.tess)
        self.assertEqual(browser.post(reverse("caseload"), {"q": "robin"}).status_code, 403)

    def test_a_name_in_the_url_is_not_searched(self) -> None:
        """No link or bookmark can carry a name: `q` in the query string is ignored."""
        self.login(self.tess)
        response = self.client.get(reverse("caseload"), {"q": "robin"})
        self.assertContains(response, "Ari Other")
        self.assertNotContains(response, 'value="robin"')

    def test_audit_records_that_a_search_was_made_not_the_term(self) -> None:
        self.login(self.tess)
        self.client.post(reverse("caseload"), {"q": "Tessclient"})
        event = AuditEvent.objects.filter(actor=self.tess, action="caseload.view").last()
        assert event is not None
        self.assertNotIn("Tessclient", event.detail)
        self.assertNotIn("tessclient", event.detail.lower())
        self.assertIn("searched", event.detail)


class AccessLogTests(PersonaTestCase):
    def render(self, log_format: str, environ: dict[str, str]) -> str:
        """One access-log line as gunicorn writes it (the atoms of glogging.Logger)."""
        config = Config()
        config.set("access_log_format", log_format)
        logger = Logger(config)
        response = SimpleNamespace(status="200 OK", sent=512, headers=[])
        request = SimpleNamespace(headers=[])
        atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))
        return log_format % logger.atoms_wrapper_class(atoms)

    def test_serve_gives_gunicorn_a_log_format_without_query_or_referrer(self) -> None:
        argv = gunicorn_argv(addr="127.0.0.1:8000", workers=2)
        log_format = argv[argv.index("--access-logformat") + 1]
        self.assertEqual(log_format, ACCESS_LOG_FORMAT)
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/clients/?q=Robin+Tessclient",
            "PATH_INFO": "/clients/",
            "QUERY_STRING": "q=Robin+Tessclient",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "192.0.2.7",
            "HTTP_REFERER": "https://strides.example.org/clients/?q=Robin",
            "HTTP_USER_AGENT": "Firefox",
        }
        line = self.render(log_format, environ)
        self.assertIn('"GET /clients/ HTTP/1.1" 200', line)
        self.assertIn("192.0.2.7", line)
        self.assertNotIn("Robin", line)
        self.assertIn("Robin", self.render(Config().access_log_format, environ))
