"""Rendering a report's HTML to a tagged PDF (PDF/UA-1) with WeasyPrint.

The document's title and language come from the HTML (`<title>`, `<html lang>`), so a
screen reader announces them; the charts are the pages' own inline SVG.
"""

from functools import cache
from pathlib import Path

from weasyprint import CSS, HTML

STYLESHEET = Path(__file__).with_name("report.css")


@cache
def _stylesheet() -> CSS:
    """Parsed once per process: the file ships with the code and never changes under it."""
    return CSS(filename=str(STYLESHEET))


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=str(STYLESHEET.parent))
    pdf = document.write_pdf(
        stylesheets=[_stylesheet()],
        pdf_variant="pdf/ua-1",
    )
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf
