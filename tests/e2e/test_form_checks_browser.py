"""In a real browser: a goal box counts its characters live and keeps text over the limit
(the server refuses it with its length); a PHQ-9 with items left out is saved only after
the therapist ticks the confirmation, with every answer still in place."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from strides.accounts.models import Role
from strides.assessments.models import Assessment
from strides.clients.models import Client, Episode
from strides.goals.models import Goal
from tests.e2e.helpers import make_user, signed_in


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_goal_box_counts_live_and_nothing_is_cut(live_server, page: Page) -> None:
    tess = make_user("tess", Role.THERAPIST)
    client = Client.objects.create(display_name="Robin Tessclient")
    episode = Episode.objects.create(client=client, therapist=tess, start=timezone.localdate())

    signed_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/episodes/{episode.pk}/goals/new/")
    box = page.get_by_label("The goal, in the client's own words")
    counter = page.locator("#id_text_counter")
    box.fill("Sleep well")
    expect(counter).to_have_text("10 of 500 characters")
    box.fill("a" * 501)
    expect(counter).to_have_text("501 characters; the limit is 500 (1 too many)")
    assert len(box.input_value()) == 501
    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_text("501 characters; the limit is 500.")).to_be_visible()
    assert len(page.get_by_label("The goal, in the client's own words").input_value()) == 501
    assert not Goal.objects.exists()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_partly_answered_phq9_is_saved_after_confirming(live_server, page: Page) -> None:
    tess = make_user("tess", Role.THERAPIST)
    client = Client.objects.create(display_name="Robin Tessclient")
    episode = Episode.objects.create(client=client, therapist=tess, start="2026-10-01")

    signed_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/episodes/{episode.pk}/assessments/new/?instrument=phq9")
    answers = {1: 2, 2: 3, 3: 1, 4: 2, 5: 2, 6: 1, 8: 1, 9: 0}  # item 7 left out
    for number, value in answers.items():
        group = page.locator("fieldset").filter(has_text=re.compile(rf"^\s*{number}\. "))
        group.locator(f"input[value='{value}']").check()
    page.get_by_role("button", name="Save assessment").click()

    notice = page.locator("#missing-items")
    expect(notice).to_contain_text("1 of 9 items is not answered (item 7)")
    expect(notice).to_contain_text("it will be stored as 14 (prorated)")
    assert not Assessment.objects.exists()
    second = page.locator("fieldset").filter(has_text=re.compile(r"^\s*2\. "))
    expect(second.locator("input[value='3']")).to_be_checked()
    page.get_by_label("Save with 1 item not answered").check()
    page.get_by_role("button", name="Save assessment").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/"))
    assessment = Assessment.objects.get()
    assert (assessment.total, assessment.answers["7"]) == (14, None)
