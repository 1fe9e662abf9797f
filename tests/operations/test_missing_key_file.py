"""No new encryption key when encrypted rows exist: the key file is missing, not new."""

from pathlib import Path
from tempfile import TemporaryDirectory
from uuid import uuid4

from django.test import SimpleTestCase, override_settings

from strides.crypto import key_ring, reload_key_ring
from strides.goals.services import goal_create
from strides.lib.encryption import KeyConfigurationError
from strides.notes.models import Note
from strides.notes.services import note_save
from tests.base import PersonaTestCase
from tests.operations.commands import strides

WRITE_NOTE = """
from strides.accounts.models import Role
from strides.accounts.services import user_create
from strides.clients.models import Appointment, Client, Episode
from strides.notes.services import note_save
from datetime import UTC, date, datetime
tess = user_create(actor=None, username="tess", password="a long pass phrase", role=Role.THERAPIST)
episode = Episode.objects.create(
    client=Client.objects.create(display_name="Robin"), therapist=tess, start=date(2026, 9, 1)
)
appointment = Appointment.objects.create(
    episode=episode, at=datetime(2026, 9, 1, 10, tzinfo=UTC), status="attended"
)
note_save(actor=tess, appointment=appointment, text="synthetic note", base_version=0)
"""


class MissingKeyFileTests(PersonaTestCase):
    def setUp(self) -> None:
        self.folder = Path(self.enterContext(TemporaryDirectory()))
        self.elsewhere = self.folder / "elsewhere" / "encryption.keys"
        self.addCleanup(reload_key_ring)

    def point_at_a_missing_key_file(self) -> None:
        self.enterContext(
            override_settings(
                STRIDES_ENCRYPTION_KEYS="", STRIDES_ENCRYPTION_KEY_FILE=str(self.elsewhere)
            )
        )

    def assert_refused(self, field: str) -> None:
        with self.assertRaises(KeyConfigurationError) as refused:
            key_ring()
        message = str(refused.exception)
        self.assertIn(f"the key file {self.elsewhere} does not exist", message)
        self.assertIn(field, message)
        self.assertIn("STRIDES_ENCRYPTION_KEY_FILE", message)
        self.assertIn("STRIDES_VAR_DIR", message)
        self.assertFalse(self.elsewhere.exists())

    def test_an_empty_database_gets_a_fresh_key_file(self) -> None:
        self.point_at_a_missing_key_file()
        key_ring()
        self.assertTrue(self.elsewhere.exists())

    def test_refused_when_notes_exist(self) -> None:
        note_save(actor=self.tess, appointment=self.tess_appointment, text="sleep", base_version=0)
        self.assertTrue(Note.objects.exists())
        self.point_at_a_missing_key_file()
        self.assert_refused("notes.Note.body_encrypted")

    def test_refused_when_goals_exist(self) -> None:
        goal_create(
            actor=self.tess,
            episode=self.tess_episode,
            text="walk to the shop",
            submission_key=uuid4(),
        )
        self.point_at_a_missing_key_file()
        self.assert_refused("goals.Goal.text_encrypted")


class ServeRefusesTests(SimpleTestCase):
    def test_serve_refuses_at_start_when_the_key_file_is_elsewhere(self) -> None:
        folder = Path(self.enterContext(TemporaryDirectory()))
        env = {"STRIDES_VAR_DIR": str(folder / "var")}
        for step in (("migrate", "--no-input", "-v", "0"), ("shell", "-c", WRITE_NOTE)):
            result = strides(*step, env=env)
            self.assertEqual(result.returncode, 0, result.stderr)
        missing = folder / "restored" / "encryption.keys"
        result = strides(
            "serve",
            "--addr",
            "127.0.0.1:0",
            env=env | {"STRIDES_ENCRYPTION_KEY_FILE": str(missing)},
            timeout=60,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(f"the key file {missing} does not exist", result.stderr)
        self.assertFalse(missing.exists())
