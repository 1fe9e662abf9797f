"""tess signs in through a real browser and sees her caseload, none of otto's clients."""

import re

import pytest
from playwright.sync_api import Page, expect

from strides.accounts.models import Role
from strides.clients.models import Client, Episode
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import make_user, sign_in


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_tess_sees_her_caseload_and_none_of_ottos_clients(live_server, page: Page) -> None:
    tess = make_user("tess", Role.THERAPIST)
    otto = make_user("otto", Role.THERAPIST)
    for name, therapist in [
        ("Robin Tessclient", tess),
        ("Jo Tessclient", tess),
        ("Kit Ottoclient", otto),
    ]:
        client = Client.objects.create(display_name=name)
        Episode.objects.create(client=client, therapist=therapist, start="2026-10-01")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, live_server.url, "tess")

    expect(page).to_have_url(re.compile(r"/clients/$"))
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    expect(page.get_by_role("link", name="Robin Tessclient")).to_be_visible()
    expect(page.get_by_role("link", name="Jo Tessclient")).to_be_visible()
    expect(page.get_by_text("Kit Ottoclient")).to_have_count(0)
    screenshot(page, "caseload-tess")

    page.get_by_label("Find a client").fill("robin")
    expect(page.get_by_role("link", name="Jo Tessclient")).to_have_count(0)
    expect(page.get_by_role("link", name="Robin Tessclient")).to_be_visible()
    assert "robin" not in page.url  # the search term stays out of the address bar

    page.get_by_role("link", name="Robin Tessclient").click()
    expect(page.get_by_role("heading", name="Robin Tessclient")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors

    otto_client = Client.objects.get(display_name="Kit Ottoclient")
    response = page.goto(f"{live_server.url}/clients/{otto_client.pk}/")
    assert response is not None and response.status == 404


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_one_calm_message(live_server, page: Page) -> None:
    make_user("tess", Role.THERAPIST)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
