"""Every `# nosec` in the code is justified in security/justifications.md, and every
justification still points at a `# nosec` line (no stale entries)."""

import re

from django.test import SimpleTestCase

from tests.operations.commands import PROJECT_ROOT

JUSTIFICATIONS = PROJECT_ROOT / "security" / "justifications.md"
NOSEC = re.compile(r"#\s*nosec\s+(B\d{3})")


class ScannerJustificationTests(SimpleTestCase):
    def test_every_nosec_is_justified(self) -> None:
        marked: list[tuple[str, str]] = []
        for folder in ("strides", "bench"):
            for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
                for line in path.read_text().splitlines():
                    if match := NOSEC.search(line):
                        marked.append((str(path.relative_to(PROJECT_ROOT)), match.group(1)))
        rows = [
            line
            for line in JUSTIFICATIONS.read_text().splitlines()
            if line.startswith("| `") and re.search(r"\| B\d{3}", line)
        ]
        justified = sorted(
            (re.findall(r"`([^`]+\.py)`", row)[0], re.findall(r"\| (B\d{3})", row)[0])
            for row in rows
        )
        self.assertEqual(sorted(marked), justified)
        print(f"bandit: {len(marked)} nosec marks, {len(justified)} justified")
