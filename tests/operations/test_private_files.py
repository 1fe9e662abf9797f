"""The var folder is 0700, SQLite files 0600; Strides refuses database or key files others
can read, and says which chmod fixes it."""

import secrets
import sqlite3
import stat
from pathlib import Path
from tempfile import TemporaryDirectory

from django.test import SimpleTestCase

from strides.lib.encryption import create_key_file
from tests.operations.commands import strides


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class PrivateFilesTests(SimpleTestCase):
    def setUp(self) -> None:
        self.var = Path(self.enterContext(TemporaryDirectory())) / "var"
        self.env = {"STRIDES_VAR_DIR": str(self.var)}
        self.database = self.var / "strides.sqlite3"

    def migrate(self) -> None:
        result = strides("migrate", "--no-input", "-v", "0", env=self.env)
        self.assertEqual(result.returncode, 0, result.stderr)

    def assert_refused(self, path: Path, *command: str) -> None:
        result = strides(*command, env=self.env, timeout=60)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn(f"{path} has mode 0644", result.stderr)
        self.assertIn(f"Fix with: chmod 600 {path}", result.stderr)

    def test_var_folder_is_0700_and_sqlite_files_0600(self) -> None:
        self.migrate()
        self.assertEqual(mode(self.var), 0o700)
        self.assertEqual(mode(self.database), 0o600)
        self.assertEqual(mode(self.var / "secret_key"), 0o600)
        with sqlite3.connect(self.database) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE probe (x)")
            connection.execute("INSERT INTO probe VALUES (1)")
            connection.commit()
            for suffix in ("-wal", "-shm"):
                self.assertEqual(mode(Path(f"{self.database}{suffix}")), 0o600, suffix)
        connection.close()

    def test_serve_demo_and_check_refuse_a_database_others_can_read(self) -> None:
        self.var.mkdir(mode=0o700)
        self.database.touch(mode=0o644)  # as made by an earlier version of Strides
        self.database.chmod(0o644)
        for command in (
            ("check",),
            ("serve", "--addr", "127.0.0.1:0"),
            ("demo", "--no-serve", "--clients", "1"),
        ):
            with self.subTest(command=command[0]):
                self.assert_refused(self.database, *command)

    def test_check_refuses_key_files_others_can_read(self) -> None:
        self.var.mkdir(mode=0o700)
        create_key_file(self.var / "encryption.keys")
        (self.var / "secret_key").write_text(secrets.token_urlsafe(50))
        for name in ("secret_key", "encryption.keys"):
            with self.subTest(name):
                path = self.var / name
                path.chmod(0o644)
                self.assert_refused(path, "check")
                path.chmod(0o600)
        self.assertEqual(strides("check", env=self.env).returncode, 0)
