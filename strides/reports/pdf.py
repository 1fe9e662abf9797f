"""Rendering a report's HTML to a tagged PDF (PDF/UA-1) with WeasyPrint.

The document's title and language come from the HTML (`<title>`, `<html lang>`), so a
screen reader announces them; the charts are the pages' own inline SVG. A report loads
no URL of any kind (no network, no file): everything it shows is in the HTML.
"""

from functools import cache
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

STYLESHEET = Path(__file__).with_name("report.css")


@cache
def _stylesheet() -> CSS:
    """Parsed once per process: the file ships with the code and never changes under it."""
    return CSS(filename=str(STYLESHEET))


@cache
def refusing_fetcher() -> URLFetcher:
    """Allows no protocol at all; made once, because each fetcher builds an SSL context."""
    return URLFetcher(allowed_protocols=())


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=refusing_fetcher())
    pdf = document.write_pdf(
        stylesheets=[_stylesheet()],
        pdf_variant="pdf/ua-1",
    )
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf
