"""Breadth-first browsing of an app's own pages, recording every request the browser
makes (issue 14: no request to any host but the app's own)."""

import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urlsplit

from playwright.sync_api import BrowserContext, Error, Page

# Never followed: signing out, the one-use invitation link (it also ends a staff
# session), and any link whose name says it changes something.
SKIPPED = re.compile(r"logout|/p/o/|/p/leave|revoke|delete|/stop\b|/resolve/")
# A link's kind: its path with the numbers (object ids, page numbers) left out, and the
# names of its query's fields.
NUMBER = re.compile(r"\d+")
# Schemes that name no host: the browser makes no network request for them.
HOSTLESS = ("data:", "blob:", "about:")


@dataclass
class Recorder:
    """Every request made in the contexts it is attached to, and every page loaded."""

    origin: str
    requests: list[str] = field(default_factory=list)
    pages: int = 0

    def attach(self, context: BrowserContext) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("page", self.count_loads)
        for page in context.pages:
            self.count_loads(page)

    def count_loads(self, page: Page) -> None:
        page.on("load", lambda _page: self.loaded())

    def loaded(self) -> None:
        self.pages += 1

    def foreign(self) -> list[str]:
        """The requests to any origin but the app's own."""
        return [
            url
            for url in self.requests
            if not url.startswith(HOSTLESS) and origin_of(url) != self.origin
        ]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def visit(page: Page, url: str) -> int:
    """Open the URL and wait for its subresources and fonts; the status (0 for a
    download, such as a CSV export or a PDF report, which loads no page)."""
    try:
        response = page.goto(url)
    except Error as error:
        if "Download is starting" not in error.message:
            raise
        return 0
    page.evaluate("document.fonts.ready.then(() => true)")
    return response.status if response is not None else 0


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def same_origin_links(page: Page, origin: str) -> list[str]:
    """Paths (with query) of the page's links to its own origin, without fragments."""
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        url = urldefrag(href).url
        if origin_of(url) == origin:
            paths.append(path_of(url))
    return paths


def kind_of(link: str) -> str:
    parts = urlsplit(link)
    fields = sorted(name for name, _value in parse_qsl(parts.query, keep_blank_values=True))
    return NUMBER.sub("#", parts.path) + "?" + "&".join(fields)


def crawl(
    page: Page, origin: str, starts: list[str], limit: int, each: int, done: Iterable[str] = ()
) -> list[str]:
    """Visit the start paths and every same-origin link reached from them, breadth
    first, GET only, except those `done` already: at most `each` links of one kind (one
    template showing other objects) and `limit` pages in all. The paths visited, as the
    browser ended on them, in order. A server error on any of them fails the crawl."""
    queue = deque(starts)
    seen = {*starts, *done}
    kinds: Counter[str] = Counter()
    visited: list[str] = []
    while queue and len(visited) < limit:
        path = queue.popleft()
        status = visit(page, origin + path)
        assert status < 500, (path, status)
        landed = path_of(page.url) if status else path
        seen.add(landed)
        visited.append(landed)
        for link in same_origin_links(page, origin) if status else []:
            kind = kind_of(link)
            if link not in seen and not SKIPPED.search(link) and kinds[kind] < each:
                seen.add(link)
                kinds[kind] += 1
                queue.append(link)
    return visited
