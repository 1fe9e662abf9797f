"""Upgrading a database that already stacked alerts: the migration to one open alert per
kind and measure merges the duplicates into the oldest, and leaves nothing lost."""

from datetime import date
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = ("alerts", "0001_initial")
AFTER = ("alerts", "0004_alert_one_open_per_measure")
LATEST = ("alerts", "0005_encrypt_action_note")


class AlertMigrationTests(TransactionTestCase):
    def migrate(self, alerts_at: tuple[str, str]) -> Any:
        """Migrate alerts to `alerts_at`, every other app to its latest; return the apps."""
        executor = MigrationExecutor(connection)
        others = [key for key in executor.loader.graph.leaf_nodes() if key[0] != "alerts"]
        targets = [*others, alerts_at]
        executor.migrate(targets)
        executor.loader.build_graph()
        return executor.loader.project_state(targets).apps

    def test_stacked_open_alerts_are_merged_into_the_oldest(self) -> None:
        # Later tests on this database (other TransactionTestCases) need the whole schema.
        self.addCleanup(self.migrate, LATEST)
        old = self.migrate(BEFORE)
        client = old.get_model("clients", "Client").objects.create(display_name="Stacked")
        user = old.get_model("accounts", "User").objects.create(username="t", role="therapist")
        episode = old.get_model("clients", "Episode").objects.create(
            client=client, therapist=user, start=date(2026, 9, 1)
        )
        Alert = old.get_model("alerts", "Alert")
        for day, key in ((1, "not_on_track:phq9:1"), (15, "not_on_track:phq9:5")):
            Alert.objects.create(
                episode=episode,
                kind="not_on_track",
                key=key,
                instrument="phq9",
                occurred_on=date(2026, 9, day),
                summary=f"raised on day {day}",
            )
        Alert.objects.create(
            episode=episode,
            kind="risk",
            key="risk:3",
            instrument="phq9",
            occurred_on=date(2026, 9, 8),
            summary="risk",
            immediate=True,
        )
        new = self.migrate(AFTER)
        alerts = {a.key: a for a in new.get_model("alerts", "Alert").objects.all()}
        kept, merged = alerts["not_on_track:phq9:1"], alerts["not_on_track:phq9:5"]
        self.assertEqual((kept.status, kept.summary), ("open", "raised on day 15"))
        self.assertEqual(kept.merged_keys, ["not_on_track:phq9:5"])
        self.assertEqual((kept.occurred_on, kept.latest_on), (date(2026, 9, 1), date(2026, 9, 15)))
        self.assertEqual(merged.status, "closed")
        self.assertIn(f"Merged into alert {kept.pk}", merged.close_reason)
        self.assertEqual(
            (alerts["risk:3"].status, alerts["risk:3"].latest_on), ("open", date(2026, 9, 8))
        )
