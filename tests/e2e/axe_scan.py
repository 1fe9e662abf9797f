"""axe-core on a page as it is now: WCAG 2.2 A and AA, the serious and critical
violations. The script goes into each document once, however often it is scanned; only
violations are reported in full (`resultTypes`), which spares axe describing every
passing node (the rules run and judge every node all the same)."""

from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical violations on the page (its CSP must let the script in:
    scan in a context with `bypass_csp`)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => axe.run(options)", OPTIONS)
    return [found for found in results["violations"] if found["impact"] in BLOCKING]
