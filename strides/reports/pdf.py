"""Rendering a report's HTML to a tagged PDF (PDF/UA-1) with WeasyPrint.

The document's title and language come from the HTML (`<title>`, `<html lang>`), so a
screen reader announces them. A report loads no URL that reaches out (no network, no
file): everything it shows is in the HTML, the charts as `data:` images (`svg_image`).
"""

import base64
import re
from functools import cache
from html import unescape
from pathlib import Path

from django.utils.html import format_html
from django.utils.safestring import SafeString
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

STYLESHEET = Path(__file__).with_name("report.css")
SVG_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.DOTALL)


@cache
def _stylesheet() -> CSS:
    """Parsed once per process: the file ships with the code and never changes under it."""
    return CSS(filename=str(STYLESHEET))


@cache
def refusing_fetcher() -> URLFetcher:
    """Allows only `data:` URLs, which carry their content inline; made once, because
    each fetcher builds an SSL context."""
    return URLFetcher(allowed_protocols=("data",))


def svg_image(svg: str) -> SafeString:
    """A chart's SVG as an `<img>` of the same drawing, its alt text the SVG's `<title>`:
    the PDF draws and tags it exactly as the inline SVG (a Figure whose Alt is that
    title). WeasyPrint would parse an inline SVG with its pure-Python HTML parser and
    compute CSS for every node of it like HTML; an image's SVG is parsed as XML only."""
    # The first <title> is the chart's own (strides.lib.svg writes it first, escaped).
    found = SVG_TITLE.search(svg)
    title = unescape(found.group(1)) if found else ""
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    return format_html('<img src="{}" alt="{}">', source, title)


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=refusing_fetcher())
    pdf = document.write_pdf(
        stylesheets=[_stylesheet()],
        pdf_variant="pdf/ua-1",
    )
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf
