"""Session notes: encrypted in the application, optimistically locked so a second editor
never overwrites the first, every earlier text kept, and keys that rotate."""

import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock
from uuid import uuid4

from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from strides.audit.models import AuditEvent
from strides.clients.models import Appointment, BreakGlassGrant
from strides.crypto import encrypt_text, reload_key_ring
from strides.lib.encryption import create_key_file, key_fingerprint, load_keys
from strides.notes import rotation
from strides.notes.models import Note, NoteRevision
from strides.notes.services import NoteConflict, note_save
from tests.base import PersonaTestCase

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEY_SETTINGS = {"STRIDES_ENCRYPTION_KEYS", "STRIDES_ENCRYPTION_KEY_FILE"}


class NoteTestCase(PersonaTestCase):
    def url(self, appointment: Appointment | None = None) -> str:
        return reverse("note_edit", args=[(appointment or self.tess_appointment).pk])

    def save(self, text: str, base_version: int = 0) -> Note:
        return note_save(
            actor=self.tess, appointment=self.tess_appointment, text=text, base_version=base_version
        )


class WriteAndReadTests(NoteTestCase):
    def test_therapist_writes_and_reads_a_note_over_http(self) -> None:
        self.login(self.tess)
        page = self.client.get(self.url())
        self.assertContains(page, 'name="base_version" value="0"')
        response = self.client.post(
            self.url(), {"text": "Talked about sleep.\nAgreed a wind-down.", "base_version": 0}
        )
        self.assertRedirects(response, self.url())
        page = self.client.get(self.url())
        self.assertContains(page, "Talked about sleep.\nAgreed a wind-down.</textarea>")
        self.assertContains(page, 'name="base_version" value="1"')
        note = Note.objects.get(appointment=self.tess_appointment)
        self.assertEqual(
            (note.body, note.version, note.created_by),
            ("Talked about sleep.\nAgreed a wind-down.", 1, self.tess),
        )

    def test_a_save_keeps_the_previous_text_as_a_revision(self) -> None:
        self.save("first thoughts")
        note = self.save("considered view", base_version=1)
        self.assertEqual((note.version, note.body), (2, "considered view"))
        revision = NoteRevision.objects.get(note=note)
        self.assertEqual((revision.version, revision.body), (1, "first thoughts"))
        self.login(self.tess)
        self.assertContains(self.client.get(self.url()), "1 earlier version")

    def test_saving_the_same_text_again_changes_nothing(self) -> None:
        self.save("once")
        note = self.save("once")
        self.assertEqual(note.version, 1)
        self.assertFalse(NoteRevision.objects.exists())

    def test_empty_note_is_refused_with_a_message(self) -> None:
        self.login(self.tess)
        response = self.client.post(self.url(), {"text": "", "base_version": 0})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="error"')
        self.assertFalse(Note.objects.exists())


class ConflictTests(NoteTestCase):
    def setUp(self) -> None:
        # Only the episode's therapist writes its notes: tess in two browser tabs, one
        # of them (`save`, the service) saving while the other is still open.
        self.save("Tess: discussed the exposure plan.")

    def test_second_editor_with_a_stale_version_is_refused_and_nothing_is_lost(self) -> None:
        self.save("Tess: discussed the exposure plan, set homework.", base_version=1)
        self.login(self.tess)
        response = self.client.post(
            self.url(), {"text": "Tab 2: client anxious about work.", "base_version": 1}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "was saved by tess after you opened it")
        # theirs, read only, beside mine in the form with the version to save against
        self.assertContains(
            response, "readonly>\nTess: discussed the exposure plan, set homework.</textarea>"
        )
        self.assertContains(response, 'name="text"')
        self.assertContains(response, "Tab 2: client anxious about work.</textarea>")
        self.assertContains(response, 'name="base_version" value="2"')
        note = Note.objects.get()
        self.assertEqual(note.body, "Tess: discussed the exposure plan, set homework.")
        self.assertEqual(note.version, 2)

    def test_merged_text_saves_against_the_new_version(self) -> None:
        self.save("Tess: v2", base_version=1)
        self.login(self.tess)
        self.client.post(self.url(), {"text": "Tab 2: v3", "base_version": 1})
        response = self.client.post(self.url(), {"text": "Tess: v2\nTab 2: v3", "base_version": 2})
        self.assertRedirects(response, self.url())
        note = Note.objects.get()
        self.assertEqual(
            (note.body, note.version, note.updated_by), ("Tess: v2\nTab 2: v3", 3, self.tess)
        )
        self.assertEqual(
            [r.body for r in note.revisions.order_by("version")],
            ["Tess: discussed the exposure plan.", "Tess: v2"],
        )

    def test_two_first_saves_at_once_end_in_a_conflict_not_an_error(self) -> None:
        # The first lookup misses the note the other save is creating at that moment.
        misses_then_finds = [Note.objects.none(), Note.objects.all()]
        with (
            mock.patch.object(Note.objects, "select_for_update", side_effect=misses_then_finds),
            self.assertRaises(NoteConflict) as caught,
        ):
            note_save(
                actor=self.tess, appointment=self.tess_appointment, text="mine", base_version=0
            )
        self.assertEqual(caught.exception.theirs, "Tess: discussed the exposure plan.")
        self.assertEqual(Note.objects.count(), 1)

    def test_service_conflict_carries_both_texts_and_the_current_version(self) -> None:
        with self.assertRaises(NoteConflict) as caught:
            note_save(
                actor=self.tess, appointment=self.tess_appointment, text="mine", base_version=0
            )
        conflict = caught.exception
        self.assertEqual(
            (conflict.mine, conflict.theirs, conflict.version, conflict.saved_by),
            ("mine", "Tess: discussed the exposure plan.", 1, "tess"),
        )
        self.assertEqual(Note.objects.get().body, "Tess: discussed the exposure plan.")


class EscapingTests(NoteTestCase):
    def test_script_in_a_note_renders_as_text(self) -> None:
        self.save(PAYLOAD)
        for user in (self.tess, self.sam):
            self.login(user)
            content = self.client.get(self.url()).content.decode()
            self.assertNotIn(PAYLOAD, content, user.username)
            self.assertIn("&lt;script&gt;", content, user.username)

    def test_script_in_both_texts_of_a_conflict_renders_as_text(self) -> None:
        self.save(PAYLOAD)
        self.login(self.tess)
        response = self.client.post(self.url(), {"text": PAYLOAD + " mine", "base_version": 0})
        content = response.content.decode()
        self.assertNotIn("<script>alert", content)
        self.assertEqual(content.count("&lt;script&gt;"), 2)


class StorageTests(NoteTestCase):
    def test_raw_column_holds_no_plaintext(self) -> None:
        marker = f"sleep-diary-{uuid4().hex}"
        self.save(marker)
        self.save(marker + " and more", base_version=1)
        raw = [
            *Note.objects.values_list("body_encrypted", flat=True),
            *NoteRevision.objects.values_list("body_encrypted", flat=True),
        ]
        self.assertEqual(len(raw), 2)
        for value in raw:
            self.assertNotIn(marker, value)
            self.assertTrue(value.startswith("f1:"))

    def test_raw_database_file_holds_no_plaintext(self) -> None:
        marker = f"panic-on-the-tram-{uuid4().hex}"
        with tempfile.TemporaryDirectory() as var_dir:
            env = {
                key: value
                for key, value in os.environ.items()
                if key not in {"STRIDES_DATABASE_URL", *KEY_SETTINGS}
            }
            env |= {"STRIDES_VAR_DIR": var_dir, "NOTE_MARKER": marker}

            def strides(*args: str) -> str:
                result = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "django",
                        *args,
                        "-v",
                        "0",
                        "--settings",
                        "strides.settings",
                    ],
                    env=env,
                    cwd=PROJECT_ROOT,
                    capture_output=True,
                    text=True,
                    timeout=180,
                    check=False,
                )
                self.assertEqual(result.returncode, 0, result.stderr)
                return result.stdout

            strides("migrate", "--no-input")
            strides("shell", "-c", WRITE_NOTE)
            self.assertEqual(strides("shell", "-c", READ_NOTE).strip(), marker)
            files = list(Path(var_dir).glob("strides.sqlite3*"))
            self.assertIn(Path(var_dir) / "strides.sqlite3", files)
            for path in files:
                self.assertNotIn(marker.encode(), path.read_bytes(), path.name)


WRITE_NOTE = """
import os
from datetime import UTC, date, datetime
from strides.accounts.models import User
from strides.clients.models import Appointment, Client, Episode
from strides.notes.services import note_save
tess = User.objects.create(username="tess", role="therapist")
episode = Episode.objects.create(
    client=Client.objects.create(display_name="Robin"), therapist=tess, start=date(2026, 9, 1)
)
appointment = Appointment.objects.create(episode=episode, at=datetime(2026, 9, 1, 10, tzinfo=UTC))
note_save(actor=tess, appointment=appointment, text=os.environ["NOTE_MARKER"], base_version=0)
"""
READ_NOTE = "from strides.notes.models import Note; print(Note.objects.get().body)"


class AccessTests(NoteTestCase):
    def setUp(self) -> None:
        self.save("private")

    def test_stranger_gets_404_on_get_and_post(self) -> None:
        self.login(self.otto)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        response = self.client.post(self.url(), {"text": "overwrite", "base_version": 1})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Note.objects.get().body, "private")
        self.assertEqual(self.denied_events(self.otto, action="note.view"), 1)
        self.assertEqual(self.denied_events(self.otto, action="note.edit"), 1)

    def test_stranger_cannot_save_through_the_service(self) -> None:
        with self.assertRaises(Http404):
            note_save(actor=self.otto, appointment=self.tess_appointment, text="x", base_version=1)
        self.assertEqual(self.denied_events(self.otto, action="note.save"), 1)

    def test_supervisor_reads_but_cannot_write(self) -> None:
        self.login(self.sam)
        page = self.client.get(self.url())
        self.assertContains(page, "private")
        self.assertNotContains(page, "<textarea")
        response = self.client.post(self.url(), {"text": "edited", "base_version": 1})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Note.objects.get().body, "private")

    def test_admin_gets_404_without_break_glass_and_reads_with_it(self) -> None:
        self.login(self.admin)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        now = timezone.now()
        BreakGlassGrant.objects.create(
            admin=self.admin,
            client=self.tess_client,
            reason_encrypted=encrypt_text("Clinical emergency review"),
            granted_at=now,
            expires_at=now + timedelta(hours=1),
        )
        self.assertContains(self.client.get(self.url()), "private")
        response = self.client.post(self.url(), {"text": "edited", "base_version": 1})
        self.assertEqual(response.status_code, 404)

    def test_missing_appointment_is_404(self) -> None:
        self.login(self.tess)
        self.assertEqual(self.client.get(reverse("note_edit", args=[999999])).status_code, 404)


class AuditTests(NoteTestCase):
    def test_every_save_and_read_is_audited_without_the_text(self) -> None:
        self.save("first words about the brother")
        self.save("second words about the brother", base_version=1)
        self.login(self.tess)
        self.client.post(self.url(), {"text": "third words about the brother", "base_version": 2})
        self.client.get(self.url())
        saves = AuditEvent.objects.filter(action="note.save", outcome="allowed")
        self.assertEqual(saves.count(), 3)
        self.assertEqual({event.client for event in saves}, {self.tess_client})
        for action in ("note.edit", "note.view"):
            self.assertTrue(AuditEvent.objects.filter(actor=self.tess, action=action).exists())
        for event in AuditEvent.objects.all():
            self.assertNotIn("brother", event.detail)


class RotationTests(NoteTestCase):
    def setUp(self) -> None:
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.key_file = folder / "encryption.keys"
        self.first_key = create_key_file(self.key_file)
        self.addCleanup(reload_key_ring)
        self.enterContext(
            override_settings(
                STRIDES_ENCRYPTION_KEYS="", STRIDES_ENCRYPTION_KEY_FILE=str(self.key_file)
            )
        )
        reload_key_ring()

    def keys(self) -> list[str]:
        lines = self.key_file.read_text().splitlines()
        return [line for line in lines if line and not line.startswith("#")]

    def command(self, action: str) -> str:
        out = StringIO()
        call_command("encryption", action, stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_add_key_rotate_retire_keeps_every_note_readable(self) -> None:
        note = self.save("before rotation")
        revision_source = self.save("after an edit", base_version=1)
        self.assertIn("Added key", self.command("add-key"))
        new_key = self.keys()[0]
        self.assertEqual(len(self.keys()), 2)
        summary = self.command("rotate")
        self.assertIn(f"Re-encrypted 2 values with key {key_fingerprint(new_key)}", summary)
        retired = self.command("retire")
        self.assertIn(self.first_key, retired)
        self.assertEqual(self.keys(), [new_key])
        only_new = load_keys(env_value=new_key, key_file=None)
        note.refresh_from_db()
        self.assertEqual(only_new.decrypt(note.body_encrypted), "after an edit")
        self.assertEqual(note.body, "after an edit")
        revision = NoteRevision.objects.get(note=revision_source)
        self.assertEqual(only_new.decrypt(revision.body_encrypted), "before rotation")

    def test_rotation_works_in_batches(self) -> None:
        for n in range(5):
            appointment = Appointment.objects.create(
                episode=self.tess_episode, at=timezone.now() + timedelta(days=n)
            )
            note_save(actor=self.tess, appointment=appointment, text=f"n{n}", base_version=0)
        self.command("add-key")
        with mock.patch.object(rotation, "BATCH_SIZE", 2):
            self.assertIn("Re-encrypted 5 values", self.command("rotate"))
        self.assertIn("Re-encrypted 0 values", self.command("rotate"))

    def test_retire_is_refused_while_a_value_needs_an_old_key(self) -> None:
        self.save("not rotated yet")
        self.command("add-key")
        with self.assertRaisesMessage(CommandError, "1 stored value(s) still need an older key"):
            self.command("retire")
        self.assertEqual(len(self.keys()), 2)
        self.assertEqual(Note.objects.get().body, "not rotated yet")

    def test_each_step_is_audited_with_fingerprints_only(self) -> None:
        self.save("audited rotation")
        self.command("add-key")
        self.command("rotate")
        self.command("retire")
        events = AuditEvent.objects.filter(action__startswith="encryption.").order_by("id")
        self.assertEqual(
            [e.action for e in events],
            ["encryption.key_add", "encryption.rotate", "encryption.retire"],
        )
        new_key = self.keys()[0]
        for event in events:
            self.assertEqual((event.actor, event.actor_label), (None, "cli"))
            self.assertIn(key_fingerprint(new_key), event.detail)
            self.assertNotIn(new_key, event.detail)

    def test_keys_from_the_environment_are_not_edited(self) -> None:
        with (
            override_settings(STRIDES_ENCRYPTION_KEYS=self.keys()[0]),
            self.assertRaisesMessage(CommandError, "STRIDES_ENCRYPTION_KEYS"),
        ):
            self.command("add-key")
        self.assertEqual(len(self.keys()), 1)
