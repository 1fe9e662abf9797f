"""The caseload home page stays bounded: 25 rows a page from the stored progress,
summaries as counts and the top three, the same queries for 5 clients as for 60, and one
audit event per request."""

import importlib
import uuid
from datetime import timedelta

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from strides.assessments.services import assessment_record
from strides.audit.models import AuditEvent
from strides.clients.models import Appointment, Client, Episode
from strides.milestones.models import Milestone, MilestoneKind
from strides.outcomes.models import EpisodeProgress
from tests.base import PersonaTestCase, phq9_answers

stored_sparklines = importlib.import_module("strides.outcomes.migrations.0002_stored_sparklines")


class CaseloadPerformanceTests(PersonaTestCase):
    def clients_with_scores(self, count: int, totals: tuple[int, ...] = (16, 12), item9: int = 0):
        today = timezone.localdate()
        for index in range(count):
            client = Client.objects.create(display_name=f"Client {index:03d}")
            episode = Episode.objects.create(
                client=client, therapist=self.tess, start=today - timedelta(weeks=6)
            )
            for week, total in enumerate(totals):
                assessment_record(
                    actor=self.tess,
                    episode=episode,
                    instrument_code="phq9",
                    answers=phq9_answers(total, item9 if week == len(totals) - 1 else 0),
                    taken_on=today - timedelta(weeks=len(totals) - 1 - week),
                    submission_key=uuid.uuid4(),
                )

    def home_queries(self) -> int:
        self.client.get(reverse("caseload"))
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(reverse("caseload"))
        self.assertEqual(response.status_code, 200)
        return len(captured.captured_queries)

    def test_home_page_queries_are_the_same_for_5_and_60_clients(self) -> None:
        self.clients_with_scores(4)  # and tess's own client: 5
        self.login(self.tess)
        small = self.home_queries()
        self.clients_with_scores(55)
        self.assertEqual(self.home_queries(), small)
        response = self.client.get(reverse("caseload"))
        self.assertEqual(len(response.context["rows"]), 25)
        self.assertEqual(response.context["page"].paginator.count, 60)

    def rich_clients(self, count: int) -> None:
        """Rows with every per-row column filled: two planned measures with bands and
        sparklines, an open alert, a risk item, and a next appointment."""
        today = timezone.localdate()
        for index in range(count):
            client = Client.objects.create(display_name=f"Rich {index:03d}")
            episode = Episode.objects.create(
                client=client, therapist=self.tess, start=today - timedelta(weeks=6)
            )
            Appointment.objects.create(
                episode=episode, status="scheduled", at=timezone.now() + timedelta(days=index + 1)
            )
            for week, (phq9, gad7) in enumerate(((14, 12), (22, 16), (24, 17))):
                day = today - timedelta(weeks=2 - week)
                for code, answers in (
                    ("phq9", phq9_answers(phq9, 1 if week == 2 and index % 2 else 0)),
                    ("gad7", {item: min(3, max(0, gad7 - 3 * (item - 1))) for item in range(1, 8)}),
                ):
                    assessment_record(
                        actor=self.tess,
                        episode=episode,
                        instrument_code=code,
                        answers=answers,
                        taken_on=day,
                        submission_key=uuid.uuid4(),
                    )

    def test_every_per_row_column_is_read_in_a_constant_number_of_queries(self) -> None:
        self.rich_clients(3)
        self.login(self.tess)
        small = self.home_queries()
        self.rich_clients(30)
        self.assertEqual(self.home_queries(), small)
        rows = self.client.get(reverse("caseload")).context["rows"]
        self.assertEqual(len(rows), 25)
        rich = [row for row in rows if row.client.display_name.startswith("Rich")]
        self.assertTrue(all([m.code for m in row.measures] == ["phq9", "gad7"] for row in rich))
        self.assertTrue(all(m.band_label and m.sparkline_svg for r in rich for m in r.measures))
        self.assertTrue(
            all(row.next_appointment and row.open_alerts and row.reason for row in rich)
        )
        self.assertTrue(any(row.risk for row in rich))
        for sort in ("name", "last_assessed", "next_appointment"):
            self.client.get(reverse("caseload"), {"sort": sort})
            with CaptureQueriesContext(connection) as captured:
                self.client.get(reverse("caseload"), {"sort": sort})
            self.assertLessEqual(len(captured.captured_queries), small, sort)

    def test_the_page_count_reads_the_access_rule_only(self) -> None:
        # Counting the caseload for its pager must not compute the rows' columns (the
        # current episode, therapist, latest risk) for every client: at 1,500 clients
        # that count took 1.3 s of a 1.5 s page.
        self.clients_with_scores(3)
        self.login(self.tess)
        with CaptureQueriesContext(connection) as captured:
            self.client.get(reverse("caseload"))
        counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
        caseload_count = next(sql for sql in counts if '"clients_client"' in sql)
        for column in ("current_episode", "therapist_name", "assessments_assessment"):
            self.assertNotIn(column, caseload_count)

    def test_pages_of_25_keep_the_filters_in_their_links(self) -> None:
        today = timezone.localdate()
        for index in range(29):
            client = Client.objects.create(display_name=f"Paged {index:02d}")
            Episode.objects.create(client=client, therapist=self.tess, start=today)
        self.login(self.tess)
        # The search is posted, so the page buttons post the same filters back (the
        # filter form, search included) with the page number: no name in any URL.
        first = self.client.post(reverse("caseload"), {"sort": "name", "q": "paged"})
        self.assertEqual(len(first.context["rows"]), 25)
        self.assertContains(first, 'form="caseload-filters" name="page" value="2"')
        self.assertNotContains(first, "q=paged")
        second = self.client.post(reverse("caseload"), {"sort": "name", "q": "paged", "page": "2"})
        names = [row.client.display_name for row in second.context["rows"]]
        self.assertEqual(names, ["Paged 25", "Paged 26", "Paged 27", "Paged 28"])
        self.assertContains(second, 'name="page" value="1"')
        self.assertContains(second, 'name="q" value="paged"')
        beyond = self.client.post(reverse("caseload"), {"sort": "name", "q": "paged", "page": "99"})
        self.assertEqual(beyond.context["page"].number, 2)
        by_get = self.client.get(reverse("caseload"), {"sort": "name", "page": "2"})
        self.assertEqual(by_get.context["page"].number, 2)

    def test_htmx_refresh_returns_the_table_and_pager_only(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("caseload"),
            {"q": "robin"},
            headers={"hx-request": "true", "hx-target": "caseload-results"},
        )
        self.assertContains(response, 'id="caseload-rows"')
        self.assertContains(response, "Robin Tessclient")
        self.assertNotContains(response, "Needs attention")
        self.assertNotContains(response, "<html")

    def test_summaries_show_the_count_and_the_top_three(self) -> None:
        self.clients_with_scores(4, totals=(14,), item9=1)
        self.login(self.tess)
        response = self.client.get(reverse("caseload"))
        attention = response.context["attention"]
        self.assertEqual((attention.count, len(attention.top)), (4, 3))
        self.assertContains(response, "See all 4")
        self.assertContains(response, reverse("attention"))
        self.assertEqual(response.context["wins"].count, 0)  # a baseline is not a win
        self.clients_with_scores(2, totals=(18, 8))
        response = self.client.get(reverse("caseload"))
        wins = response.context["wins"]
        expected = Milestone.objects.exclude(kind=MilestoneKind.FIRST_MEASURE).count()
        self.assertGreaterEqual(expected, 2)
        self.assertEqual(wins.count, expected)
        self.assertEqual(len(wins.top), 3)
        self.assertNotIn(MilestoneKind.FIRST_MEASURE, [m.kind for m in wins.top])
        self.assertEqual(wins.top[0].kind, MilestoneKind.RELIABLE_RECOVERY)
        self.assertContains(response, reverse("wins"))

    def test_home_page_writes_one_audit_event(self) -> None:
        self.login(self.tess)
        before = AuditEvent.objects.count()
        self.client.get(reverse("caseload"))
        events = list(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True))
        self.assertEqual(events, ["caseload.view"])

    def test_sparkline_is_stored_with_the_progress_summary_and_shown(self) -> None:
        self.clients_with_scores(1, totals=(18, 14, 9))
        progress = EpisodeProgress.objects.get(episode__client__display_name="Client 000")
        svg = progress.measures["phq9"]["sparkline"]
        self.assertTrue(svg.startswith("<svg"))
        self.assertIn("Last 3 scores: 18, 14, 9", svg)
        self.login(self.tess)
        self.assertContains(self.client.get(reverse("caseload")), svg, html=False)

    def test_migration_stores_sparklines_of_existing_summaries(self) -> None:
        self.clients_with_scores(1, totals=(18, 14))
        progress = EpisodeProgress.objects.get(episode__client__display_name="Client 000")
        del progress.measures["phq9"]["sparkline"]
        progress.save()
        stored_sparklines.store_sparklines(apps, None)
        progress.refresh_from_db()
        self.assertTrue(progress.measures["phq9"]["sparkline"].startswith("<svg"))


class PostgresPlanningTests(PersonaTestCase):
    def test_postgresql_connections_run_without_jit(self) -> None:
        # JIT compilation of the caseload's page query cost 4 s on PostgreSQL (bench).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW jit")
                self.assertEqual(cursor.fetchone(), ("off",))
        else:
            self.assertNotIn("options", connection.settings_dict.get("OPTIONS", {}))
