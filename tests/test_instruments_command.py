"""`strides instruments list|validate`: what a practice uses to add its own definition."""

import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase

DEFINITIONS = Path(__file__).resolve().parents[1] / "strides" / "instruments" / "definitions"


class InstrumentsCommandTests(SimpleTestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("instruments", *args, stdout=out)
        return out.getvalue()

    def test_list_shows_every_shipped_instrument(self) -> None:
        text = self.run_command("list")
        for code in ("phq9", "gad7", "who5", "k10", "core10", "pcl5", "wsas", "proqol5"):
            self.assertIn(code, text)

    def test_valid_file_is_reported_valid(self) -> None:
        self.assertIn(
            "valid (phq9, 9 items)", self.run_command("validate", str(DEFINITIONS / "phq9.toml"))
        )

    def test_broken_file_lists_every_problem_and_fails(self) -> None:
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as handle:
            handle.write('code = "mine"\nname = "Mine"\n')
        out = io.StringIO()
        with self.assertRaisesMessage(CommandError, "1 of 1 file(s) have problems"):
            call_command("instruments", "validate", handle.name, stdout=out)
        self.assertIn("items: required field is missing", out.getvalue())
        self.assertIn(handle.name, out.getvalue())
        Path(handle.name).unlink()
