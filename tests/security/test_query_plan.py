"""The access rule is set-based: the database plans it once, as index searches and
non-correlated subqueries, never a scan of every client with a correlated EXISTS per
row (on SQLite, which keeps no statistics, that was 2.5 s of a 2.9 s caseload)."""

import re
from datetime import timedelta

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from strides.accounts.permissions import readable_episodes, visible_clients
from strides.clients.models import BreakGlassGrant
from strides.clients.selectors import caseload
from strides.crypto import encrypt_text
from strides.outcomes.dashboard import needs_attention, wins_this_week
from tests.base import PersonaTestCase

SUBPLAN = re.compile(r"(hashed )?SubPlan \d+")
COROUTINE_RESULT = re.compile(r"SCAN \(subquery-\d+\)")


def query_plan(queryset: QuerySet) -> list[str]:
    sql, params = queryset.query.sql_with_params()
    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}", params)
        return [row[3] if connection.vendor == "sqlite" else row[0] for row in cursor.fetchall()]


def per_row_steps(plan: list[str]) -> list[str]:
    """Steps that run once per row of another table: SQLite's SCAN of a table and
    CORRELATED subqueries, PostgreSQL's subplans that are not hashed (run once). Reading
    back a co-routine's own result ("SCAN (subquery-4)", the window function that groups
    Needs attention by client) reads rows the plan already found by index."""
    if connection.vendor == "sqlite":
        return [
            step
            for step in plan
            if ("SCAN" in step and not COROUTINE_RESULT.fullmatch(step)) or "CORRELATED" in step
        ]
    return [
        step
        for step in plan
        if not step.strip().startswith("SubPlan")
        and any(not hashed for hashed in SUBPLAN.findall(step))
    ]


class QueryPlanTests(PersonaTestCase):
    def setUp(self) -> None:
        BreakGlassGrant.objects.create(
            admin=self.admin,
            client=self.tess_client,
            reason_encrypted=encrypt_text("Crisis call, therapist away"),
            granted_at=timezone.now(),
            expires_at=timezone.now() + timedelta(minutes=30),
        )

    def test_the_rule_runs_once_not_once_per_client(self) -> None:
        for persona in (self.tess, self.sam, self.admin):
            for name, queryset in (
                ("visible clients", visible_clients(persona)),
                ("readable episodes", readable_episodes(persona)),
                ("needs attention", needs_attention(actor=persona)),
                ("wins", wins_this_week(actor=persona)),
            ):
                plan = query_plan(queryset)
                self.assertEqual(per_row_steps(plan), [], (persona.username, name, plan))
            if connection.vendor == "sqlite":
                # The caseload's rows are the current episodes, ranked once from the
                # rule's set and found by primary key, never one lookup per client.
                plan = query_plan(caseload(actor=persona, include_ended=True))
                self.assertIn("SEARCH clients_episode USING INTEGER PRIMARY KEY", plan[0])
                self.assertEqual([step for step in plan if "CORRELATED" in step], [], plan)
