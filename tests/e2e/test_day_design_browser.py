"""The therapist's day, designed (issue 10), in a real browser at a laptop's and a
phone's size: the caseload table in the first viewport, the client page's first chart
near the top, chart text at 11 px or more on a phone, the alert card's error in the card,
and no serious or critical axe-core finding (WCAG 2.2 A and AA) on any staff page."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.axe_scan import blocking_violations
from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.e2e.day_clinic import DayClinic, day_clinic_again, staff_paths
from tests.e2e.helpers import signed_in

pytestmark = pytest.mark.e2e

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def clinic(live_server) -> DayClinic:
    return day_clinic_again()


def open_context(browser: Browser, size: str, *, bypass_csp: bool = False) -> BrowserContext:
    width, height = SIZES[size]
    return browser.new_context(
        locale="en-GB", viewport={"width": width, "height": height}, bypass_csp=bypass_csp
    )


@pytest.fixture(params=list(SIZES))
def sized(request, browser: Browser) -> Iterator[tuple[str, Page]]:
    context = open_context(browser, request.param)
    yield request.param, context.new_page()
    context.close()


def first_screen(page: Page, name: str) -> None:
    """What the first viewport shows (the README's pictures come from these)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{name}-first-screen.png"))


def top_of(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"]


@pytest.mark.django_db(transaction=True)
def test_caseload_table_is_in_the_first_viewport(live_server, clinic, sized) -> None:
    size, page = sized
    signed_in(page, live_server.url, "tess")
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    assert top_of(page, "table.caseload") < SIZES[size][1]
    assert top_of(page, "#caseload-rows tr") < SIZES[size][1]
    row = page.locator("#caseload-rows tr").filter(has_text="Sasha Struggling")
    # Every planned measure with its band in words, a sparkline, the status and its reason.
    expect(row).to_contain_text("PHQ-9")
    expect(row).to_contain_text("GAD-7")
    expect(row.locator(".band").first).to_have_text("Severe")
    expect(row.locator("svg.chart-sparkline").first).to_be_attached()
    expect(row).to_contain_text("Not on track")
    expect(row.locator(".reason")).to_be_visible()
    expect(row).to_contain_text("open")  # the alert count
    new = page.locator("#caseload-rows tr").filter(has_text="Nova Newclient")
    expect(new).to_contain_text("not given yet")
    risk = page.locator("#caseload-rows tr").filter(has_text="Ari Riskitem")
    expect(risk).to_contain_text("risk item endorsed")
    # The summaries are compact: counts and the first few, each linking to its page.
    expect(page.locator(".summary.attention .summary-list li")).to_have_count(3)
    expect(page.locator(".summary.wins")).not_to_contain_text("Baseline set")
    screenshot(page, f"caseload-{size}")
    first_screen(page, f"caseload-{size}")


@pytest.mark.django_db(transaction=True)
def test_supervisor_sees_whose_caseload_read_only_with_a_therapist_column(
    live_server, clinic, sized
) -> None:
    size, page = sized
    signed_in(page, live_server.url, "sam")
    expect(page.get_by_role("heading", name="Caseload of tess")).to_be_visible()
    expect(page.locator(".read-only-mark")).to_contain_text("Read-only")
    expect(page.locator("table.caseload thead")).to_contain_text("Therapist")
    expect(page.locator("#caseload-rows tr").first).to_contain_text("tess")
    expect(page.get_by_role("link", name="New client")).to_have_count(0)
    screenshot(page, f"caseload-supervisor-{size}")


@pytest.mark.django_db(transaction=True)
def test_client_page_is_progress_first(live_server, clinic, sized) -> None:
    size, page = sized
    signed_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/clients/{clinic.recovering.pk}/")
    expect(page.locator(".key-change")).to_contain_text("PHQ-9 20 → 6: reliable recovery")
    main = page.locator("figure.main-chart")
    expect(main).to_have_attribute("id", f"chart-{clinic.recovering.episodes.get().pk}-phq9")
    if size == "desktop":
        assert top_of(page, "figure.main-chart .chart-wide svg") < 900
    # Progress, then goals, then alerts and milestones, then the record.
    order = [
        top_of(page, selector)
        for selector in (
            "figure.main-chart",
            "[id^=goals-section]",
            "[id^=alerts-section]",
            "[id^=record-]",
        )
    ]
    assert order == sorted(order), order
    expect(page.locator(".goal-item").first).to_contain_text("Goal 1")
    expect(page.locator(".goal-item").first).to_contain_text("Walk to the shop on my own")
    expect(page.locator("#timeline")).to_contain_text(
        "Goal 1 “Walk to the shop on my own” rated 8/10"
    )
    # Numbers on demand: the trend lives in the "how this is worked out" detail.
    expect(page.locator("details.worked-out")).to_contain_text("Trend per session")
    expect(page.locator("details.worked-out")).not_to_have_attribute("open", "")
    screenshot(page, f"client-{size}")
    first_screen(page, f"client-{size}")


@pytest.mark.django_db(transaction=True)
def test_chart_text_is_at_least_11_px_on_a_phone(live_server, clinic, browser: Browser) -> None:
    context = open_context(browser, "phone")
    page = context.new_page()
    signed_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/clients/{clinic.struggling.pk}/")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('figure svg.chart')]
          .filter(svg => svg.getBoundingClientRect().width > 0)
          .flatMap(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll('text')].map(
              text => parseFloat(getComputedStyle(text).fontSize) * scale);
          })"""
    )
    assert sizes, "no chart text drawn on the phone"
    assert min(sizes) >= 11, min(sizes)
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_alert_card_error_shows_a_message_not_a_page(live_server, clinic, page: Page) -> None:
    signed_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/clients/{clinic.struggling.pk}/")
    card = page.locator("li.alert-not_on_track").first
    card.locator("summary").click()
    select = card.get_by_label("What was done")
    expect(select).to_have_value("")  # nothing chosen to begin with
    select.select_option("other")
    card.get_by_role("button", name="Acknowledge").click()
    card = page.locator("li.alert-not_on_track").first
    expect(card.get_by_role("alert")).to_contain_text("Say what was done")
    expect(page.locator("header.top")).to_have_count(1)
    expect(card.locator("h1")).to_have_count(0)
    expect(card.get_by_label("What was done")).to_have_value("other")
    screenshot(page, "alert-card-error")


@pytest.mark.django_db(transaction=True)
def test_wins_are_grouped_ranked_and_celebrated_kindly(live_server, clinic, sized) -> None:
    size, page = sized
    signed_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/wins/")
    group = page.locator(".win-group").filter(has_text="Remy Recovering")
    expect(group.locator("li").first).to_contain_text("Reliable recovery")
    phq9 = group.locator(".before-after").filter(has_text="PHQ-9").first
    expect(phq9).to_contain_text("20")
    expect(phq9).to_contain_text("6 Mild")
    expect(page.locator("main")).not_to_contain_text("Baseline set")
    screenshot(page, f"wins-{size}")
    if size == "desktop":
        group.get_by_role("button", name="Mark celebrated").first.click()
        expect(page.get_by_role("status").first).to_contain_text("Celebrated")
    page.goto(f"{live_server.url}/attention/")
    screenshot(page, f"attention-{size}")


def blocking_at_each_size(page: Page, where: str) -> list[str]:
    """The serious and critical axe-core findings on the page at each size in turn, its
    visible `details` opened first."""
    found = []
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate(
            """() => {
              for (const details of document.querySelectorAll('details')) {
                const box = details.getBoundingClientRect();
                if (box.width > 0 && box.height > 0
                    && getComputedStyle(details).visibility !== 'hidden') details.open = true;
              }
            }"""
        )
        for violation in blocking_violations(page):
            targets = [node["target"] for node in violation["nodes"][:3]]
            found.append(f"{size} {where}: {violation['id']} {targets}")
    return found


@pytest.mark.django_db(transaction=True)
def test_no_serious_axe_violation_on_any_staff_page(live_server, clinic, browser: Browser) -> None:
    """Each page is loaded once and scanned at both sizes (the layout is CSS alone)."""
    found: list[str] = []
    # bypass_csp only so axe's script can be injected for the scan.
    context = open_context(browser, "desktop", bypass_csp=True)
    page = context.new_page()
    for path in ("/accounts/login/", "/accounts/password/reset/"):
        page.goto(f"{live_server.url}{path}")
        found += blocking_at_each_size(page, f"signed out {path}")
    context.close()
    for user, paths in staff_paths(clinic).items():
        context = open_context(browser, "desktop", bypass_csp=True)
        page = context.new_page()
        signed_in(page, live_server.url, user)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (user, path)
            found += blocking_at_each_size(page, f"{user} {path}")
        context.close()
    assert not found, "\n".join(found)
