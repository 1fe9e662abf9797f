"""Every clinical free text is stored only encrypted, and key rotation covers every one."""

import tempfile
from pathlib import Path

from django.apps import apps
from django.db import connection
from django.test import override_settings

from strides.alerts.models import Alert
from strides.assessments.models import Assessment
from strides.clients.models import BreakGlassGrant
from strides.crypto import reload_key_ring
from strides.encrypted_fields import ENCRYPTED_FIELDS, encrypted_fields
from strides.lib.encryption import create_key_file
from strides.milestones.models import Milestone
from strides.notes.rotation import encryption_key_add, encryption_retire, encryption_rotate
from tests.base import PersonaTestCase
from tests.security.free_text import KINDS, marker, write_every_free_text


def raw_database_text() -> str:
    """Every text column of every table, read with raw SQL (no model, no decryption)."""
    quote = connection.ops.quote_name
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}")  # noqa: S608
            parts.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(parts)


class EncryptedFreeTextTests(PersonaTestCase):
    def test_no_free_text_reaches_the_raw_database(self) -> None:
        client = write_every_free_text(therapist=self.tess, admin=self.admin)
        stored = raw_database_text()
        leaked = [kind for kind in KINDS if marker(kind) in stored]
        self.assertEqual(leaked, [])
        # ...while the application still reads every one of them.
        episode = client.episodes.get()
        self.assertEqual(episode.presenting_problem, marker("edited presenting problem"))
        self.assertEqual(
            Alert.objects.get(episode=episode, kind="risk").action_note,
            marker("alert action note"),
        )
        amended = Assessment.objects.get(episode=episode, replaces__isnull=False)
        self.assertEqual(amended.amendment_reason, marker("correction reason"))
        self.assertEqual(
            Milestone.objects.get(episode=episode, manual=True).summary,
            marker("milestone summary"),
        )
        self.assertIn(marker("break-glass reason"), BreakGlassGrant.objects.get().reason)

    def test_pages_show_the_decrypted_text(self) -> None:
        client = write_every_free_text(therapist=self.tess, admin=self.admin)
        self.login(self.tess)
        page = self.client.get(f"/clients/{client.pk}/").content.decode()
        for kind in ("edited presenting problem", "alert action note", "milestone summary"):
            self.assertIn(marker(kind), page, kind)
        self.assertIn(marker("break-glass reason"), page)

    def test_the_registry_lists_every_encrypted_column(self) -> None:
        columns = {
            (model._meta.label, field.name)
            for model in apps.get_models()
            for field in model._meta.get_fields()
            if field.name.endswith("_encrypted")
        }
        self.assertEqual(columns, set(ENCRYPTED_FIELDS))
        self.assertEqual(len(encrypted_fields()), len(ENCRYPTED_FIELDS))

    def test_rotation_re_encrypts_every_registered_column(self) -> None:
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        key_file = folder / "encryption.keys"
        create_key_file(key_file)
        self.addCleanup(reload_key_ring)
        self.enterContext(
            override_settings(STRIDES_ENCRYPTION_KEYS="", STRIDES_ENCRYPTION_KEY_FILE=str(key_file))
        )
        reload_key_ring()
        client = write_every_free_text(therapist=self.tess, admin=self.admin)
        new_key = encryption_key_add(actor_label="test")
        encryption_rotate(actor_label="test")
        ring = reload_key_ring()
        self.assertEqual(ring.fingerprint(), new_key)
        for field in encrypted_fields():
            tokens = list(field.rows().values_list(field.name, flat=True))
            self.assertTrue(tokens, field.label)
            self.assertFalse(any(ring.needs_rotation(token) for token in tokens), field.label)
        encryption_retire(actor_label="test")
        episode = client.episodes.get()
        self.assertEqual(episode.presenting_problem, marker("edited presenting problem"))
        self.assertIn(marker("break-glass reason"), BreakGlassGrant.objects.get().reason)
