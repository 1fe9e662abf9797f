"""What `pip-audit --format json` checked, in counts; exits 1 on any known vulnerability.

    python -m tests.security.audit_summary AUDIT.json

pip-audit asks PyPI's JSON API about each installed version. A version PyPI does not know
(a local build, a private wheel) is skipped, not audited: the summary says how many.
"""

import json
import sys
from pathlib import Path


def summary(report: dict[str, list[dict[str, object]]]) -> tuple[str, int]:
    dependencies = report["dependencies"]
    skipped = [d for d in dependencies if "skip_reason" in d]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = len(dependencies) - len(skipped)
    line = (
        f"pip-audit: {len(dependencies)} installed, {audited} audited against PyPI, "
        f"{len(skipped)} skipped (version not known to PyPI), {len(vulnerable)} with known "
        "vulnerabilities"
    )
    details = [f"  {d['name']} {d['version']}: {d['vulns']}" for d in vulnerable]
    return "\n".join([line, *details]), len(vulnerable)


def main() -> None:
    text, vulnerable = summary(json.loads(Path(sys.argv[1]).read_text()))
    print(text)
    sys.exit(1 if vulnerable else 0)


if __name__ == "__main__":
    main()
