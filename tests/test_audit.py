"""The audit trail: append-only, hash-chained, verifiable, filterable by admins."""

import csv
import io

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from strides.audit.models import AuditEvent
from strides.audit.services import audit_batch, audit_record
from strides.audit.verify import verify_chain
from tests.base import PersonaTestCase


class AuditChainTests(PersonaTestCase):
    def write_events(self, n: int) -> list[AuditEvent]:
        return [
            audit_record(
                actor=self.tess, action="client.view", client=self.tess_client, detail={"n": i}
            )
            for i in range(n)
        ]

    def verify_output(self) -> str:
        out = io.StringIO()
        call_command("audit", "verify", stdout=out)
        return out.getvalue()

    def test_untouched_chain_verifies(self) -> None:
        self.write_events(5)
        self.assertIn("intact: 5 events", self.verify_output())

    def test_direct_sql_change_names_the_changed_row(self) -> None:
        events = self.write_events(5)
        target = events[2]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET action = %s WHERE id = %s",
                ["client.update", target.id],
            )
        with self.assertRaisesMessage(
            CommandError, f"event {target.id}: its contents were changed"
        ):
            self.verify_output()

    def test_deleted_row_is_detected_at_the_next_row(self) -> None:
        events = self.write_events(5)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].id])
        report = verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.bad_event_id, events[3].id)
        with self.assertRaisesMessage(CommandError, f"event {events[3].id}"):
            self.verify_output()

    def test_deleted_last_row_is_detected(self) -> None:
        events = self.write_events(3)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])
        with self.assertRaisesMessage(CommandError, "were removed"):
            self.verify_output()

    def test_rehashing_a_changed_row_still_breaks_the_next_link(self) -> None:
        events = self.write_events(3)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["f" * 64, events[0].id]
            )
        self.assertEqual(verify_chain().bad_event_id, events[0].id)

    def test_events_record_actor_client_object_and_source(self) -> None:
        self.login(self.tess)
        self.client.get(
            reverse("client_detail", args=[self.tess_client.pk]), REMOTE_ADDR="10.1.2.3"
        )
        event = AuditEvent.objects.filter(action="client.view").latest("id")
        self.assertEqual(
            (event.actor, event.client, event.source, event.outcome),
            (self.tess, self.tess_client, "10.1.2.3", "allowed"),
        )

    def test_model_has_no_update_path_in_the_app(self) -> None:
        from strides.audit import services

        public = [name for name in dir(services) if name.startswith("audit_")]
        self.assertEqual(public, ["audit_batch", "audit_record"])  # both only append

    def test_a_batch_appends_its_events_together_at_its_end(self) -> None:
        audit_record(actor=self.tess, action="client.view", client=self.tess_client)
        with audit_batch():
            for action in ("assessment.record", "assessment.record", "portal.submit"):
                audit_record(actor=None, actor_label="portal", action=action)
            self.assertEqual(AuditEvent.objects.count(), 1)  # the head is not locked yet
        events = list(AuditEvent.objects.order_by("id"))
        self.assertEqual(
            [e.action for e in events][1:], ["assessment.record"] * 2 + ["portal.submit"]
        )
        self.assertEqual([e.prev_hash for e in events[1:]], [e.hash for e in events[:-1]])
        self.assertIn("intact: 4 events", self.verify_output())

    def test_a_batch_that_raises_writes_nothing(self) -> None:
        with self.assertRaises(RuntimeError), audit_batch():
            audit_record(actor=self.tess, action="client.view", client=self.tess_client)
            raise RuntimeError("the caller's transaction rolls back")
        self.assertFalse(AuditEvent.objects.exists())
        with audit_batch(), audit_batch():  # a nested batch joins the outer one
            audit_record(actor=self.tess, action="client.view", client=self.tess_client)
        self.assertIn("intact: 1 events", self.verify_output())


class AuditPageTests(PersonaTestCase):
    def test_non_admins_get_404(self) -> None:
        for persona in (self.tess, self.sam, self.otto):
            self.login(persona)
            self.assertEqual(self.client.get(reverse("audit_list")).status_code, 404)
            self.assertEqual(self.client.get(reverse("audit_export")).status_code, 404)

    def test_admin_filters_by_user_client_action_and_date(self) -> None:
        audit_record(actor=self.tess, action="client.view", client=self.tess_client)
        audit_record(actor=self.otto, action="client.view", client=self.otto_client)
        audit_record(actor=self.tess, action="episode.update", client=self.tess_client)
        self.login(self.admin)
        response = self.client.get(
            reverse("audit_list"),
            {
                "username": "tess",
                "client_id": str(self.tess_client.pk),
                "action": "client.",
                "since": "2000-01-01",
                "until": "2100-01-01",
            },
        )
        events = list(response.context["page"])
        self.assertEqual([(e.actor_label, e.action) for e in events], [("tess", "client.view")])

    def test_admin_exports_csv_and_the_export_is_audited(self) -> None:
        audit_record(actor=self.tess, action="client.view", client=self.tess_client)
        self.login(self.admin)
        response = self.client.get(reverse("audit_export"), {"username": "tess"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        rows = list(csv.reader(io.StringIO(content.decode())))
        self.assertEqual(rows[0][:4], ["id", "at", "actor", "action"])
        self.assertEqual({row[2] for row in rows[1:]}, {"tess"})
        self.assertTrue(AuditEvent.objects.filter(actor=self.admin, action="audit.export").exists())

    def test_bad_filter_input_gets_a_clear_error(self) -> None:
        self.login(self.admin)
        response = self.client.get(reverse("audit_list"), {"since": "not-a-date"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["since"])
