"""The benchmark's portal load generator against a live server: it walks the real portal
pages, its submits are stored exactly once, the database count catches a loss, and the
report says which budgets hold."""

from dataclasses import replace
from datetime import date
from urllib.parse import urlparse

from django.test import LiveServerTestCase, SimpleTestCase

from bench.network import NetworkSize
from bench.portal_load import INSTRUMENTS, PortalLoad, run_portal_load, walk
from bench.report import _portal_lines
from bench.suite import DatabaseRun, Timing
from strides.accounts.models import Role, User
from strides.assessments.models import Assessment, Mode
from strides.clients.models import Client, Episode
from strides.portal.services import invitation_create


class PortalLoadTests(LiveServerTestCase):
    def setUp(self) -> None:
        self.port = int(urlparse(self.live_server_url).port or 0)
        self.therapist = User.objects.create_user(username="loadtess", role=Role.THERAPIST)
        client = Client.objects.create(display_name="Synthetic Loadclient")
        self.episode = Episode.objects.create(
            client=client, therapist=self.therapist, start=date(2026, 9, 1)
        )

    def tokens(self, count: int) -> list[str]:
        return [
            invitation_create(
                actor=self.therapist,
                episode=self.episode,
                instruments=list(INSTRUMENTS),
                send_email=False,
            ).token
            for _ in range(count)
        ]

    def stored(self) -> int:
        return Assessment.objects.filter(mode=Mode.PORTAL).count()

    def test_walks_submits_and_counts(self) -> None:
        result = run_portal_load(self.port, self.tokens, self.stored, seconds=0.5, threads=1)
        print(
            f"portal load: {result.acknowledged} of {result.submitted} submits acknowledged, "
            f"{result.stored} stored for {result.expected} expected, {result.errors} errors"
        )
        self.assertEqual(result.errors, 0)
        self.assertGreater(result.acknowledged, 0)
        self.assertEqual(result.stored, result.expected)
        self.assertEqual(
            set(Assessment.objects.values_list("instrument_code", flat=True)), set(INSTRUMENTS)
        )

    def test_a_used_link_cannot_be_walked_again(self) -> None:
        token = self.tokens(1)[0]
        browser, csrf = walk(self.port, token, seed=1)
        self.assertEqual(browser.request("POST", "/p/review", {"portal_csrf": csrf}).status, 302)
        with self.assertRaisesMessage(RuntimeError, "answered 410"):
            walk(self.port, token, seed=1)
        self.assertEqual(self.stored(), len(INSTRUMENTS))


class PortalReportTests(SimpleTestCase):
    def run_with(self, portal: PortalLoad) -> str:
        timing = Timing(1.0, 2.0)
        run = DatabaseRun(
            database="PostgreSQL",
            size=NetworkSize.scaled(0.002),
            counts={},
            load_seconds=0,
            floor=timing,
            pages=[],
            worker_rss_mb=[],
            portal=portal,
            rss_after_portal_mb=[120.0, 130.0],
        )
        return "\n".join(_portal_lines(run))

    def test_verdicts(self) -> None:
        fast = PortalLoad(
            submitted=18_000,
            acknowledged=18_000,
            errors=0,
            seconds=60.0,
            p50_ms=20.0,
            p99_ms=90.0,
            walk_rate=50.0,
            stored=36_064,
            expected=36_064,
            threads=16,
        )
        text = self.run_with(fast)
        self.assertIn("**300.0 submissions/s** (budget ≥ 300/s: holds)", text)
        self.assertIn("(budget p99 ≤ 250 ms: holds)", text)
        self.assertIn("36,064 expected: holds", text)
        lost = self.run_with(replace(fast, stored=36_062, acknowledged=1_200))
        self.assertIn("36,064 expected: **misses**", lost)
        self.assertIn("(budget ≥ 300/s: **misses**)", lost)
