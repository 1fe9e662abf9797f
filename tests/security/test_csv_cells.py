"""CSV exports cannot smuggle a spreadsheet formula (OWASP CSV injection)."""

import csv
import io
from unittest import TestCase

from django.urls import reverse

from strides.audit.models import AuditEvent
from strides.audit.services import audit_record
from strides.lib.csv_cells import safe_cell, safe_row
from tests.base import PersonaTestCase


class SafeCellTests(TestCase):
    def test_cells_that_could_start_a_formula_are_quoted(self) -> None:
        for text in ["=1+2", "+1", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']:
            with self.subTest(text=text):
                self.assertEqual(safe_cell(text), "'" + text)

    def test_other_cells_are_unchanged(self) -> None:
        for value, text in [("robin", "robin"), (12, "12"), (None, ""), ("a=b", "a=b"), ("", "")]:
            with self.subTest(value=value):
                self.assertEqual(safe_cell(value), text)

    def test_negative_numbers_become_text_too(self) -> None:
        self.assertEqual(safe_row([-3, 4]), ["'-3", "4"])


class AuditExportTests(PersonaTestCase):
    def test_audit_export_escapes_a_formula_in_a_username(self) -> None:
        audit_record(actor=None, actor_label='=HYPERLINK("http://evil")', action="login.failed")
        audit_record(actor=None, actor_label="@cmd", action="login.failed")
        self.login(self.admin)
        response = self.client.get(reverse("audit_export"))
        body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        labels = [row["actor"] for row in csv.DictReader(io.StringIO(body))]
        self.assertIn('\'=HYPERLINK("http://evil")', labels)
        self.assertIn("'@cmd", labels)
        self.assertNotIn('=HYPERLINK("http://evil")', labels)
        self.assertTrue(AuditEvent.objects.filter(actor_label="@cmd").exists())
