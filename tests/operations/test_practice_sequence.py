"""The README's "Use it for your practice" sequence works on an empty database as written."""

import sqlite3
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

from django.test import SimpleTestCase

from tests.operations.practice import PracticeRun, practice_sequence


class PracticeSequenceTests(SimpleTestCase):
    def test_readme_sequence_runs_on_an_empty_sqlite_database(self) -> None:
        root = Path(self.enterContext(TemporaryDirectory()))
        workdir = root / "practice"
        workdir.mkdir()
        (workdir / ".venv").symlink_to(sys.prefix)  # the venv the first line would make
        run = PracticeRun(
            workdir=workdir, install=False, database_url=None, data_home=root / "data"
        )
        lines = practice_sequence()
        run.run(lines)
        self.assertEqual(run.done, lines)
        self.assertTrue(any("createadmin" in line for line in lines))
        database = root / "data" / "strides" / "strides.sqlite3"
        with sqlite3.connect(database) as connection:
            admins = connection.execute("SELECT username, role FROM accounts_user").fetchall()
        connection.close()
        self.assertEqual(admins, [("alice", "admin")])
