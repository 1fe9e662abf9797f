"""tess records a PHQ-9 in session with item 9 endorsed and sees the risk at once."""

import re

import pytest
from playwright.sync_api import Page, expect

from strides.accounts.models import Role
from strides.assessments.models import Assessment
from strides.clients.models import Client, Episode
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import make_user, sign_in

ANSWERS = {1: 2, 2: 3, 3: 1, 4: 2, 5: 2, 6: 1, 7: 2, 8: 1, 9: 1}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_tess_records_phq9_with_risk_and_otto_cannot_reach_it(live_server, page: Page) -> None:
    tess = make_user("tess", Role.THERAPIST)
    make_user("otto", Role.THERAPIST)
    client = Client.objects.create(display_name="Robin Tessclient")
    episode = Episode.objects.create(client=client, therapist=tess, start="2026-10-01")

    sign_in(page, live_server.url, "tess")
    page.get_by_role("link", name="Robin Tessclient").click()
    page.get_by_role("link", name="Record an assessment").click()
    page.get_by_label("Questionnaire").select_option("phq9")
    page.get_by_role("button", name="Open the form").click()
    expect(page.get_by_role("heading", name=re.compile("PHQ-9"))).to_be_visible()

    for number, value in ANSWERS.items():
        group = page.locator("fieldset").filter(has_text=re.compile(rf"^\s*{number}\. "))
        group.locator(f"input[value='{value}']").check()
    page.get_by_role("button", name="Save assessment").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/"))
    notice = page.locator(".risk-notice")
    expect(notice.first).to_contain_text("Thoughts that you would be better off dead")
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator(f"#episode-{episode.pk}")).to_contain_text("15")
    screenshot(page, "assessment-risk-client-page")

    page.get_by_role("link", name="Caseload").click()
    row = page.get_by_role("row").filter(has_text="Robin Tessclient")
    expect(row).to_contain_text("risk item endorsed")

    assessment = Assessment.objects.get()
    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in(page, live_server.url, "otto")
    response = page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text("Thoughts that you would be better off dead")).to_have_count(0)
