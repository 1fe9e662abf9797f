"""Issue 14, privacy: browsing every page as every role, the browser asks no host but the
app's own (no font, script, style, image or beacon from a CDN or anyone else).

Each persona has a browser context of its own, with the Content-Security-Policy bypassed
so that what is checked is what the pages ask for, not the policy stopping it. Staff and
anonymous visitors start at their home page and follow every same-origin link breadth
first (GET only, never signing out; at most PAGES pages, and KIND links of one kind,
the same path but for its numbers and its query's values: one template showing other
objects). The portal
client opens an invitation link and the kiosk client types a code, and each answers the
whole check-in. Every request of every context is recorded."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, Page, expect

from strides.clients.models import Client, Episode
from strides.clients.services import break_glass_open
from strides.portal import mail, services
from strides.portal.kiosk import kiosk_code_create
from strides.portal.models import ClientPortal
from tests.e2e.crawl import Recorder, crawl, origin_of, visit
from tests.e2e.day_clinic import DayClinic, day_clinic_again
from tests.e2e.helpers import signed_in
from tests.portal_helpers import outbox_settings, run_worker

pytestmark = pytest.mark.e2e

PAGES = 200  # per persona
KIND = 2  # links of one kind (one path but for its numbers and query values) per persona
DESK: dict[str, Any] = {"locale": "en-GB", "viewport": {"width": 1280, "height": 900}}
PHONE: dict[str, Any] = {
    "locale": "en-GB",
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
}


@dataclass(frozen=True)
class Portal:
    """What the clinic's clients are sent: an invitation link, a kiosk code and the
    unsubscribe link of their emails."""

    link: str
    kiosk_code: str
    unsubscribe: str


@pytest.fixture
def clinic(live_server) -> Iterator[tuple[DayClinic, Portal]]:
    mail_settings, _folder = outbox_settings()
    with mail_settings, override_settings(STRIDES_BASE_URL=live_server.url):
        clinic = day_clinic_again()
        Client.objects.filter(pk=clinic.recovering.pk).update(email="remy@example.org")
        ClientPortal.objects.create(client=clinic.recovering, story_enabled=True)
        episode = clinic.recovering.episodes.get()
        answer = services.invitation_create(
            actor=clinic.tess, episode=episode, instruments=["phq9", "gad7"], include_goals=True
        )
        at_kiosk = services.invitation_create(
            actor=clinic.tess,
            episode=Episode.objects.get(client=clinic.struggling),
            instruments=["phq9"],
        )
        code = kiosk_code_create(actor=clinic.tess, invitation=at_kiosk.invitation)
        run_worker()  # the emails, for the admin's outbox
        path = urlsplit(mail.unsubscribe_link(clinic.recovering)).path
        yield clinic, Portal(urlsplit(answer.link).path, code, path)


def new_context(browser: Browser, recorder: Recorder, options: dict[str, Any]) -> BrowserContext:
    context = browser.new_context(**options, bypass_csp=True)
    recorder.attach(context)
    return context


def choose_all(page: Page, last: bool) -> None:
    """Tick the first (or last) choice of every question on the page."""
    page.evaluate(
        """last => {
          const names = new Set([...document.querySelectorAll('input[type=radio]')]
            .map(input => input.name));
          for (const name of names) {
            const choices = document.querySelectorAll(`input[type=radio][name="${name}"]`);
            choices[last ? choices.length - 1 : 0].checked = true;
          }
        }""",
        last,
    )


def answer_check_in(page: Page, origin: str, *, last: bool) -> list[str]:
    """From the welcome page: every page reachable by its links, then each step answered,
    the review sent, the thank-you and progress pages, a staff page (refused in a portal
    session) and the goodbye after closing."""
    visited = crawl(page, origin, ["/p/start"], PAGES, KIND)
    visit(page, f"{origin}/p/answer/1")
    while "/p/answer/" in page.url:
        choose_all(page, last)
        page.get_by_role("button", name="Next").click()
        page.wait_for_load_state()
        visited.append(urlsplit(page.url).path)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    visited += crawl(page, origin, ["/p/thanks", "/clients/"], PAGES, KIND)
    visit(page, f"{origin}/p/thanks")
    page.get_by_role("button", name="Close my check-in").click()
    expect(page.get_by_role("heading", name="All done")).to_be_visible()
    return [*visited, "/p/review", "/p/leave"]


@pytest.mark.django_db(transaction=True)
def test_every_page_as_every_persona_asks_only_the_app(
    live_server, clinic: tuple[DayClinic, Portal], browser: Browser
) -> None:
    day, portal = clinic
    origin = origin_of(live_server.url)
    recorder = Recorder(origin)
    visited: dict[str, list[str]] = {}

    def staff(persona: str, username: str, starts: list[str], done: list[str]) -> None:
        context = new_context(browser, recorder, DESK)
        page = context.new_page()
        signed_in(page, origin, username)
        visited[persona] = crawl(page, origin, starts, PAGES, KIND, done)
        context.close()

    clients = [f"/clients/{client.pk}/" for client in (day.struggling, day.recovering, day.at_risk)]
    staff("therapist", "tess", ["/", *clients], [])
    staff("supervisor", "sam", ["/", *clients], [])
    staff("admin", "admin", ["/"], [])
    break_glass_open(
        actor=day.admin, client=day.struggling, reason="Covering tess's urgent risk review"
    )
    # What the grant opens: the client's pages (the admin's own were browsed just now).
    staff("admin with break-glass", "admin", clients[:1], visited["admin"])

    context = new_context(browser, recorder, PHONE)
    page = context.new_page()
    visit(page, origin + portal.link)
    expect(page).to_have_url(re.compile(r"/p/start$"))
    visited["portal client"] = [portal.link, *answer_check_in(page, origin, last=True)]
    visit(page, origin + portal.link)  # used: refused now
    expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    context.close()

    context = new_context(browser, recorder, PHONE)
    page = context.new_page()
    visit(page, f"{origin}/p/kiosk")
    page.get_by_label("Type the 6-character code").fill(portal.kiosk_code)
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/p/start$"))
    visited["kiosk"] = ["/p/kiosk", *answer_check_in(page, origin, last=False)]
    context.close()

    context = new_context(browser, recorder, DESK)
    page = context.new_page()
    starts = ["/accounts/login/", "/accounts/password/reset/", portal.unsubscribe, "/p/kiosk"]
    starts += ["/p/start", "/healthz", "/no-such-page/"]
    visited["anonymous"] = crawl(page, origin, ["/", *starts], PAGES, KIND)
    context.close()

    pages = sum(len(paths) for paths in visited.values())
    host = urlsplit(origin).netloc
    print(
        f"{pages} pages as {len(visited)} personas, {len(recorder.requests)} requests, "
        f"all to {host}; {recorder.pages} page loads; "
        + ", ".join(f"{persona} {len(paths)}" for persona, paths in visited.items())
    )
    assert recorder.foreign() == []
    # The crawl reached the pages that matter for each persona.
    assert {"/clients/", f"/clients/{day.recovering.pk}/", "/wins/"} <= set(visited["therapist"])
    assert {"/staff/", "/audit/", "/outbox"} <= set(visited["admin"])
    assert f"/clients/{day.struggling.pk}/" in visited["admin with break-glass"]
    assert {"/p/thanks", "/p/story"} <= set(visited["portal client"])
    assert "/accounts/login/" in visited["anonymous"]
    assert min(len(paths) for paths in visited.values()) >= 4


def test_a_request_to_another_host_is_reported(live_server, browser: Browser) -> None:
    """The check above can fail: a stylesheet from a CDN on the kiosk page is recorded."""
    origin = origin_of(live_server.url)
    recorder = Recorder(origin)
    context = new_context(browser, recorder, PHONE)
    page = context.new_page()
    visit(page, f"{origin}/p/kiosk")
    page.evaluate(
        """() => {
          const link = document.createElement('link');
          link.rel = 'stylesheet';
          link.href = 'https://cdn.example.invalid/fonts.css';
          document.head.append(link);
        }"""
    )
    page.wait_for_event("requestfailed")
    context.close()
    assert recorder.foreign() == ["https://cdn.example.invalid/fonts.css"]
