"""A tamper-evident audit trail: an HMAC chain whose key lives outside the database, and
checkpoints outside it, so a database writer cannot delete, re-attribute or wipe events."""

import hashlib
import importlib
import json
import os
import stat
import tempfile
from datetime import UTC
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from strides.audit.keys import reload_audit_keys
from strides.audit.models import AuditChainHead, AuditEvent
from strides.audit.services import audit_record
from strides.audit.verify import verify_chain
from tests.base import PersonaTestCase

rechain = importlib.import_module("strides.audit.migrations.0002_hmac_chain")


def plain_hash(event: AuditEvent, prev_hash: str) -> str:
    """What someone without the key can compute: the SHA-256 of the fields."""
    fields = [
        prev_hash,
        event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.actor_id,
        event.actor_label,
        event.action,
        event.outcome,
        event.client_id,
        event.object_type,
        event.object_id,
        event.source,
        event.detail,
    ]
    canonical = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def recompute_without_key() -> None:
    """The attacker's repair: re-link and re-hash every event, and fix the head."""
    prev = "0" * 64
    for event in AuditEvent.objects.order_by("id"):
        new_hash = plain_hash(event, prev)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=new_hash)
        prev = new_hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev, count=AuditEvent.objects.count())


class AuditChainTestCase(PersonaTestCase):
    def setUp(self) -> None:
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.key_file = folder / "audit.keys"
        self.checkpoints = folder / "audit.checkpoints"
        self.enterContext(
            override_settings(
                STRIDES_AUDIT_KEYS="",
                STRIDES_AUDIT_KEY_FILE=str(self.key_file),
                STRIDES_AUDIT_CHECKPOINT_FILE=str(self.checkpoints),
            )
        )
        reload_audit_keys()
        self.addCleanup(reload_audit_keys)
        # The personas' setup wrote no events; start the chain under the test's key.
        AuditEvent.objects.all().delete()
        AuditChainHead.objects.all().delete()

    def write_events(self, n: int) -> list[AuditEvent]:
        return [
            audit_record(actor=self.tess, action="client.view", client=self.tess_client)
            for _ in range(n)
        ]

    def command(self, action: str) -> str:
        out = StringIO()
        call_command("audit", action, stdout=out)
        return out.getvalue()

    def assert_broken_at(self, event_id: int, words: str) -> None:
        report = verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.bad_event_id, event_id, report.problem)
        with self.assertRaisesMessage(CommandError, words):
            self.command("verify")


class TamperTests(AuditChainTestCase):
    def test_untouched_chain_and_checkpoints_verify(self) -> None:
        self.write_events(3)
        self.command("checkpoint")
        self.write_events(2)
        self.assertIn("intact: 5 events", self.command("verify"))
        self.assertIn("1 checkpoint(s)", self.command("verify"))

    def test_deleting_a_middle_event_and_recomputing_hashes_is_found(self) -> None:
        events = self.write_events(5)
        AuditEvent.objects.filter(pk=events[2].pk).delete()
        recompute_without_key()
        self.assert_broken_at(events[0].id, f"event {events[0].id}: its contents were changed")

    def test_re_attributing_an_event_and_recomputing_hashes_is_found(self) -> None:
        events = self.write_events(4)
        AuditEvent.objects.filter(pk=events[2].pk).update(actor=self.otto, actor_label="otto")
        prev = events[1].hash
        for event in AuditEvent.objects.filter(pk__gte=events[2].pk).order_by("id"):
            new_hash = plain_hash(event, prev)
            AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=new_hash)
            prev = new_hash
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
        self.assert_broken_at(events[2].id, f"event {events[2].id}: its contents were changed")

    def test_wiping_the_trail_is_found_by_the_checkpoint(self) -> None:
        events = self.write_events(3)
        self.command("checkpoint")
        AuditEvent.objects.all().delete()
        AuditChainHead.objects.all().delete()
        self.assert_broken_at(events[-1].id, "the chain ends empty: every event, up to event")

    def test_truncating_after_a_checkpoint_and_restoring_an_old_head_is_found(self) -> None:
        events = self.write_events(3)
        old_head = AuditChainHead.objects.values("last_hash", "count", "key_id", "mac").get()
        later = self.write_events(2)
        self.command("checkpoint")
        AuditEvent.objects.filter(pk__gt=events[-1].pk).delete()
        AuditChainHead.objects.filter(pk=1).update(**old_head)
        aside = self.checkpoints.rename(self.checkpoints.with_suffix(".aside"))
        self.assertTrue(verify_chain().ok)  # the key alone cannot see this
        aside.rename(self.checkpoints)
        self.assert_broken_at(later[-1].id, f"the events after event {events[-1].id}")

    def test_removing_the_newest_events_and_fixing_the_head_is_found(self) -> None:
        events = self.write_events(4)
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
        AuditChainHead.objects.filter(pk=1).update(last_hash=events[-2].hash, count=3)
        self.assert_broken_at(events[-2].id, "the chain head was changed")

    def test_a_chain_signed_with_another_key_is_found(self) -> None:
        events = self.write_events(2)
        self.key_file.unlink()
        reload_audit_keys()
        self.assert_broken_at(events[0].id, "which is not configured")


class CheckpointTests(AuditChainTestCase):
    def test_checkpoint_prints_and_appends_the_head_outside_the_database(self) -> None:
        events = self.write_events(2)
        printed = self.command("checkpoint")
        line = self.checkpoints.read_text().splitlines()[-1]
        self.assertIn(line, printed)
        recorded = json.loads(line)
        self.assertEqual(
            (recorded["count"], recorded["last_id"], recorded["hash"]),
            (2, events[-1].id, events[-1].hash),
        )
        self.assertIn("at", recorded)
        self.assertEqual(stat.S_IMODE(os.stat(self.checkpoints).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(self.key_file).st_mode), 0o600)
        self.command("checkpoint")
        self.assertEqual(len(self.checkpoints.read_text().splitlines()), 2)

    def test_checkpoint_refuses_a_broken_chain(self) -> None:
        events = self.write_events(2)
        AuditEvent.objects.filter(pk=events[0].pk).update(action="client.update")
        with self.assertRaisesMessage(CommandError, "BROKEN"):
            self.command("checkpoint")
        self.assertFalse(self.checkpoints.exists())

    def test_a_damaged_checkpoint_file_is_reported(self) -> None:
        self.write_events(1)
        self.checkpoints.write_text("not json\n")
        with self.assertRaisesMessage(CommandError, "line 1: not a checkpoint line"):
            self.command("verify")


class AuditKeyRotationTests(AuditChainTestCase):
    def test_events_signed_before_a_new_key_still_verify(self) -> None:
        before = self.write_events(2)
        self.assertIn("Added audit key", self.command("add-key"))
        after = self.write_events(2)
        self.assertNotEqual(before[0].key_id, after[0].key_id)
        self.assertIn("intact: 5 events", self.command("verify"))  # with the add-key event
        keys = [line for line in self.key_file.read_text().splitlines() if line[:1] != "#"]
        self.assertEqual(len(keys), 2)

    def test_keys_from_the_environment_verify_too(self) -> None:
        self.write_events(1)
        keys = [line for line in self.key_file.read_text().splitlines() if line[:1] != "#"]
        with override_settings(STRIDES_AUDIT_KEYS=keys[0]):
            reload_audit_keys()
            self.write_events(1)
            self.assertTrue(verify_chain().ok)
            with self.assertRaisesMessage(CommandError, "STRIDES_AUDIT_KEYS"):
                self.command("add-key")


class MigrationTests(AuditChainTestCase):
    def test_migration_re_signs_a_plain_chain_with_the_key(self) -> None:
        self.write_events(3)
        rechain.plain_hashes(apps, None)
        self.assertFalse(verify_chain().ok)
        rechain.sign_with_key(apps, None)
        self.assertTrue(verify_chain().ok)

    def test_migration_refuses_to_re_sign_a_broken_plain_chain(self) -> None:
        events = self.write_events(3)
        rechain.plain_hashes(apps, None)
        AuditEvent.objects.filter(pk=events[1].pk).update(actor_label="otto")
        with self.assertRaisesMessage(RuntimeError, f"broken at event {events[1].id}"):
            rechain.sign_with_key(apps, None)
