"""A client answers on a phone: the link from the demo outbox, PHQ-9 and GAD-7 one at a
time, a goal rating, review, thank-you; the same link is then refused, and tess's
caseload shows the new scores. axe-core scans every portal page at 390x844."""

import re
import uuid
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from strides.accounts.models import Role
from strides.assessments.models import Assessment, Mode
from strides.clients.models import Client, Episode
from strides.goals.models import GoalRating
from strides.goals.services import goal_create
from strides.portal import services
from strides.portal.models import ClientPortal
from tests.e2e.axe_scan import blocking_violations
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import make_user, signed_in
from tests.portal_helpers import outbox_settings, run_worker

pytestmark = pytest.mark.e2e

PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "locale": "en-GB"}


def phone(browser: Browser, **extra: Any) -> BrowserContext:
    return browser.new_context(**PHONE, has_touch=True, is_mobile=True, **extra)


class Scanner:
    """axe-core on a page as it is now (also a page that answered a POST): its HTML is
    copied into a phone context of the scanner's own, which bypasses the CSP for the scan
    script only; serious and critical violations are collected."""

    def __init__(self, browser: Browser, origin: str) -> None:
        self.context = phone(browser, bypass_csp=True)
        self.copy = self.context.new_page()
        self.copy.goto(origin + "/static/portal/portal.css")  # same origin, for the CSS

    def scan(self, page: Page, name: str, found: dict[str, list[str]]) -> None:
        self.copy.set_content(page.content())
        found[name] = [f"{v['id']}: {v['help']}" for v in blocking_violations(self.copy)]

    def close(self) -> None:
        self.context.close()


def choose(page: Page, name: str, value: int) -> None:
    page.locator(f"label.choice:has(input[name='{name}'][value='{value}'])").click()


@pytest.mark.django_db(transaction=True)
def test_client_answers_on_a_phone_from_the_outbox_link(live_server, browser: Browser) -> None:
    mail_settings, _folder = outbox_settings()
    with mail_settings:
        _run(live_server.url, browser)


def _run(base: str, browser: Browser) -> None:
    tess = make_user("tess", Role.THERAPIST)
    make_user("admin", Role.ADMIN)
    client = Client.objects.create(display_name="Robin Tessclient", email="robin@example.org")
    episode = Episode.objects.create(client=client, therapist=tess, start=date(2026, 10, 1))
    goal_create(
        actor=tess, episode=episode, text="Walk to the park each week", submission_key=uuid.uuid4()
    )
    ClientPortal.objects.create(client=client, story_enabled=True)
    with_settings = {"STRIDES_BASE_URL": base}
    from django.test import override_settings

    with override_settings(**with_settings):
        services.invitation_create(
            actor=tess, episode=episode, instruments=["phq9", "gad7"], include_goals=True
        )
        run_worker()

    found: dict[str, list[str]] = {}
    scanner = Scanner(browser, base)
    scan = scanner.scan
    context = phone(browser)
    page = context.new_page()
    signed_in(page, base, "admin")
    page.goto(f"{base}/outbox")
    expect(page.get_by_role("heading", name="A short check-in from your therapist")).to_be_visible()
    link = page.get_by_role("link", name="Open the link").first.get_attribute("href")
    assert link is not None and "/p/o/" in link
    page.get_by_role("link", name="Open the link").first.click()

    expect(page).to_have_url(re.compile(r"/p/start$"))
    scan(page, "welcome", found)
    page.get_by_role("link", name="Start").click()

    expect(page.get_by_text("1 of 3")).to_be_visible()
    expect(page.get_by_text("Little interest or pleasure in doing things")).to_be_visible()
    scan(page, "phq9", found)
    for number in range(1, 8):
        choose(page, f"item_{number}", 2)
    choose(page, "item_9", 0)
    page.get_by_role("button", name="Next").click()
    # Item 8 left blank: told in plain words, and free to answer it now or leave it.
    expect(page.get_by_text("You left 1 question blank")).to_be_visible()
    scan(page, "phq9-blank", found)
    choose(page, "item_8", 2)
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_text("2 of 3")).to_be_visible()
    expect(page.get_by_text("Feeling nervous, anxious, or on edge")).to_be_visible()
    for number in range(1, 8):
        choose(page, f"item_{number}", 1)
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_text("3 of 3")).to_be_visible()
    expect(page.get_by_text("Walk to the park each week")).to_be_visible()
    scan(page, "goals", found)
    choose(page, f"goal_{episode.goals.get().pk}", 7)
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("7 / 10")).to_be_visible()
    scan(page, "review", found)
    screenshot(page, "portal-review-phone")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    scan(page, "thanks", found)
    screenshot(page, "portal-thanks-phone")
    page.get_by_role("link", name="See your progress").click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    scan(page, "story", found)
    page.goto(f"{base}/caseload")
    expect(page.get_by_text("not part of your check-in")).to_be_visible()
    scan(page, "not-here", found)
    page.goto(f"{base}/p/thanks")
    page.get_by_role("button", name="Close my check-in").click()
    expect(page.get_by_role("heading", name="All done")).to_be_visible()
    scan(page, "left", found)

    page.goto(link)
    expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    scan(page, "refused", found)
    context.close()

    phq9 = Assessment.objects.get(instrument_code="phq9")
    gad7 = Assessment.objects.get(instrument_code="gad7")
    assert (phq9.total, gad7.total, phq9.mode) == (16, 7, Mode.PORTAL)
    assert GoalRating.objects.get().rating == 7

    kiosk_context = phone(browser)
    kiosk = kiosk_context.new_page()
    kiosk.goto(f"{base}/p/kiosk")
    scan(kiosk, "kiosk", found)
    kiosk.get_by_label("Type the 6-character code").fill("ZZZZZZ")
    kiosk.get_by_role("button", name="Start").click()
    expect(kiosk.get_by_text("That code did not open a check-in")).to_be_visible()
    scan(kiosk, "kiosk-error", found)
    kiosk_context.close()
    scanner.close()

    desk = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    staff = desk.new_page()
    signed_in(staff, base, "tess")
    row = staff.get_by_role("row").filter(has_text="Robin Tessclient")
    expect(row).to_contain_text("16")
    row.get_by_role("link", name="Robin Tessclient").click()
    expect(staff.locator(f"#episode-{episode.pk}")).to_contain_text("16")
    expect(staff.locator("#portal")).to_contain_text("answered")
    desk.close()

    assert {name: problems for name, problems in found.items() if problems} == {}
    assert len(found) >= 12


def test_the_scan_reports_a_serious_violation(live_server, browser: Browser) -> None:
    """The axe scan above can fail: a form field without a label is critical, found by
    the same scanner that found the page clean just before."""
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/p/kiosk")
    scanner = Scanner(browser, live_server.url)
    found: dict[str, list[str]] = {}
    scanner.scan(page, "kiosk", found)
    page.evaluate("document.querySelector('label[for=code]').remove()")
    scanner.scan(page, "broken", found)
    scanner.close()
    context.close()
    assert found["kiosk"] == []
    assert any(problem.startswith("label") for problem in found["broken"]), found
