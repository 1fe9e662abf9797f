"""A broken practice definition file is reported at start and skipped; the app and every
other instrument keep working (STRIDES_INSTRUMENTS_DIR)."""

import io
import os
import tempfile
import uuid
from datetime import date
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.urls import reverse

from strides.assessments.checks import log_skipped_definition_files
from strides.assessments.services import assessment_record
from strides.instruments import ENV_VAR, list_instruments, reload_instruments
from tests.base import PersonaTestCase, phq9_answers


class BrokenPracticeFileTests(PersonaTestCase):
    def setUp(self) -> None:
        directory = Path(tempfile.mkdtemp())
        self.broken = directory / "sleep_check.toml"
        self.broken.write_text('code = "sleep_check"\nname = "Sleep check"\n', encoding="utf-8")
        environment = mock.patch.dict(os.environ, {ENV_VAR: str(directory)})
        environment.start()
        self.addCleanup(reload_instruments)
        self.addCleanup(environment.stop)
        reload_instruments()

    def test_strides_check_names_the_file_and_the_problem(self) -> None:
        out, err = io.StringIO(), io.StringIO()
        call_command("check", stdout=out, stderr=err)
        report = out.getvalue() + err.getvalue()
        self.assertIn("strides.W001", report)
        self.assertIn(f"{self.broken}: version: required field is missing", report)
        self.assertIn("This file was skipped", report)

    def test_start_up_log_names_the_file_and_the_problem(self) -> None:
        with self.assertLogs("strides.instruments", level="WARNING") as logged:
            log_skipped_definition_files()
        self.assertIn(str(self.broken), logged.output[0])
        self.assertIn("licence: required field is missing", " ".join(logged.output))

    def test_every_other_instrument_keeps_working(self) -> None:
        self.assertNotIn("sleep_check", [i.code for i in list_instruments()])
        assessment = assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(14),
            taken_on=date(2026, 9, 1),
            submission_key=uuid.uuid4(),
        )
        self.assertEqual(assessment.total, 14)
        self.login(self.tess)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "PHQ-9")

    def test_instruments_list_shows_what_was_skipped(self) -> None:
        out = io.StringIO()
        call_command("instruments", "list", stdout=out)
        self.assertIn(f"Skipped: {self.broken}", out.getvalue())
        self.assertIn("phq9", out.getvalue())
