"""Nothing of a therapist's own side reaches anyone else, by any path this branch has:
pages, the client page, the supervisor's view, outcome pages, the audit trail and its
export, break-glass, the Django admin (not installed), and the raw database."""

from datetime import UTC, date, datetime

import time_machine
from django.conf import settings
from django.db import connection
from django.urls import Resolver404, resolve

from strides.audit.models import AuditEvent
from strides.clients.services import break_glass_open
from strides.milestones.services import milestone_celebrate, milestone_record
from strides.wellbeing.models import CheckIn, Moment
from strides.wellbeing.services import OWN_PAGE, checkin_record, moment_write, schedule_set
from tests.base import PersonaTestCase
from tests.security.test_encrypted_free_text import raw_database_text
from tests.test_wellbeing import proqol_answers

MOMENT_TEXT = "zqmomentmarker she laughed for the first time in months"


@time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False)
class OwnSidePrivacyTests(PersonaTestCase):
    def setUp(self) -> None:
        self.milestone = milestone_record(
            actor=self.tess,
            episode=self.tess_episode,
            summary="back at work",
            occurred_on=date(2026, 11, 20),
        )
        milestone_celebrate(actor=self.tess, milestone=self.milestone)
        self.moment = moment_write(actor=self.tess, text=MOMENT_TEXT, milestone=self.milestone)
        # burnout 50: "high", which shows the clinic's resources to tess
        self.checkin = checkin_record(actor=self.tess, answers=proqol_answers(cs=1, bo=5, sts=5))
        schedule_set(actor=self.tess, every_days=14)

    def own_urls(self) -> list[str]:
        return [
            "/impact/",
            "/impact/?period=all",
            "/impact/year-in-review/",
            *(
                f"/impact/{kind}/"
                for kind in (
                    "clients",
                    "courses",
                    "improvements",
                    "recoveries",
                    "goals",
                    "celebrated",
                )
            ),
            "/moments/new/",
            f"/moments/new/?milestone={self.milestone.pk}",
            f"/moments/{self.moment.pk}/",
            "/wellbeing/",
            "/wellbeing/check-in/",
        ]

    def test_tess_reads_every_page(self) -> None:
        self.login(self.tess)
        for url in self.own_urls():
            self.assertEqual(self.client.get(url).status_code, 200, url)
        self.assertContains(self.client.get("/wellbeing/"), "Support for you")

    def test_sam_and_admin_get_404_for_every_url(self) -> None:
        break_glass_open(
            actor=self.admin, client=self.tess_client, reason="Safeguarding review, urgent."
        )
        for user in (self.sam, self.admin, self.otto):
            self.login(user)
            for url in self.own_urls():
                if (
                    user == self.otto
                    and str(self.milestone.pk) not in url
                    and str(self.moment.pk) not in url
                ):
                    continue  # otto has an own side of his own; only tess's records are 404
                self.assertEqual(self.client.get(url).status_code, 404, (user.username, url))
            self.assertEqual(
                self.client.post(f"/moments/{self.moment.pk}/").status_code, 404, user.username
            )
            if user != self.otto:
                response = self.client.post("/wellbeing/check-in/", {"item_1": "1"})
                self.assertEqual(response.status_code, 404)
        self.assertTrue(Moment.objects.filter(pk=self.moment.pk).exists())
        for user in (self.sam, self.admin):  # each refusal is audited, with nothing of tess's
            denied = AuditEvent.objects.filter(actor=user, action=OWN_PAGE, outcome="denied")
            self.assertGreaterEqual(denied.count(), len(self.own_urls()))
            self.assertEqual(set(denied.values_list("detail", "object_id")), {("", "")})
        self.assertEqual(CheckIn.objects.count(), 1)

    def test_no_other_page_shows_any_of_it(self) -> None:
        break_glass_open(
            actor=self.admin, client=self.tess_client, reason="Safeguarding review, urgent."
        )
        pages = {
            self.sam: [
                "/clients/",
                f"/clients/{self.tess_client.pk}/",
                "/supervision/",
                "/outcomes/team/?period=all",
                "/outcomes/clinic/?period=all",
                "/wins/",
                "/attention/",
            ],
            self.admin: [
                f"/clients/{self.tess_client.pk}/",
                "/audit/",
                "/audit/export.csv",
                "/outcomes/clinic/?period=all",
                "/staff/",
            ],
        }
        for user, urls in pages.items():
            self.login(user)
            for url in urls:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200, url)
                body = (
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
                    if response.streaming
                    else response.content
                ).decode()
                for private in (
                    "zqmomentmarker",
                    "Burnout",
                    "ProQOL",
                    "What helped",
                    "/impact/",
                    "/wellbeing/",
                ):
                    self.assertNotIn(private, body, (user.username, url, private))

    def test_the_audit_trail_records_only_that_tess_used_her_own_page(self) -> None:
        self.login(self.tess)
        for url in self.own_urls():
            self.client.get(url)
        events = AuditEvent.objects.filter(actor=self.tess, action=OWN_PAGE)
        self.assertGreater(events.count(), len(self.own_urls()))
        self.assertEqual(
            set(events.values_list("detail", "object_type", "object_id", "client_id")),
            {("", "", "", None)},
        )
        self.assertFalse(
            AuditEvent.objects.filter(action__startswith="wellbeing.")
            .exclude(action=OWN_PAGE)
            .exists()
        )
        self.assertFalse(AuditEvent.objects.filter(object_type__startswith="wellbeing.").exists())

    def test_the_django_admin_is_not_installed(self) -> None:
        self.assertNotIn("django.contrib.admin", settings.INSTALLED_APPS)
        with self.assertRaises(Resolver404):
            resolve("/admin/")
        self.login(self.admin)
        self.assertEqual(self.client.get("/admin/").status_code, 404)

    def test_the_raw_database_holds_no_journal_or_check_in_plaintext(self) -> None:
        stored = raw_database_text()
        self.assertNotIn("zqmomentmarker", stored)
        for clear in ('{"answers": {', '"bo": 50', '"sts": 50', '"bands": {'):
            self.assertNotIn(clear, stored)
        self.assertEqual(Moment.objects.get().text, MOMENT_TEXT)
        self.assertEqual(CheckIn.objects.get().result["subscales"]["bo"], 50)

    def test_the_sqlite_database_file_holds_no_plaintext(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("the database file is SQLite's")
        connection.ensure_connection()
        # The bytes of the database file exactly as SQLite would write it to disk (the
        # test database lives in memory, so it is serialised rather than read from disk).
        raw = connection.connection.serialize()
        self.assertIn(b"wellbeing_moment", raw)  # the tables are there ...
        self.assertTrue(b"Robin Tessclient" in raw)  # ... rows are in the bytes read ...
        # ... their text is not (assertFalse: a failure must not print the whole file)
        for clear in (b"zqmomentmarker", b'{"answers": {', b'"bo": 50', b'"sts": 50'):
            self.assertFalse(clear in raw, clear)
