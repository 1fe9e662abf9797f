"""A therapist's day in a real browser: the dashboard, a client who is not on track,
the chart with its cut-off and expected band, acknowledging the alert, a goal rating
that becomes a milestone, and finding it under the week's wins."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from strides.accounts.models import Role, User
from strides.alerts.models import Alert
from strides.assessments.services import assessment_record
from strides.clients.models import Appointment, Client, Episode
from tests.base import phq9_answers
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import make_user, sign_in


def weekly_course(therapist: User, name: str, totals: list[int]) -> Client:
    client = Client.objects.create(display_name=name)
    today = timezone.localdate()
    episode = Episode.objects.create(
        client=client, therapist=therapist, start=today - timedelta(weeks=len(totals))
    )
    for week, total in enumerate(totals):
        day = today - timedelta(weeks=len(totals) - 1 - week)
        Appointment.objects.create(
            episode=episode,
            status="attended",
            at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        )
        assessment_record(
            actor=therapist,
            episode=episode,
            instrument_code="phq9",
            answers=phq9_answers(total),
            taken_on=day,
            submission_key=uuid.uuid4(),
        )
    return client


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_therapists_day(live_server, page: Page) -> None:
    tess = make_user("tess", Role.THERAPIST)
    otto = make_user("otto", Role.THERAPIST)
    struggling = weekly_course(tess, "Sasha Struggling", [14, 22, 24, 24])
    weekly_course(tess, "Remy Recovering", [20, 14, 9, 6])
    weekly_course(otto, "Kit Ottoclient", [15, 12])

    sign_in(page, live_server.url, "tess")
    rows = page.locator("#caseload-rows")
    expect(rows.get_by_role("row").filter(has_text="Sasha Struggling")).to_contain_text(
        "Not on track"
    )
    expect(rows.get_by_role("row").filter(has_text="Remy Recovering")).to_contain_text("Recovered")
    expect(page.get_by_text("Kit Ottoclient")).to_have_count(0)
    screenshot(page, "day-1-dashboard")

    page.get_by_role("link", name="Sasha Struggling").first.click()
    expect(page.get_by_role("heading", name="Sasha Struggling")).to_be_visible()
    chart = page.locator("figure.chart-figure svg[role=img]").first
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("Clinical cut-off")
    expect(chart).to_contain_text("Expected range")
    explanation = page.locator("p.status")
    expect(explanation).to_contain_text("intake of 14")
    expect(explanation).to_contain_text("expected score")
    expect(explanation).to_contain_text("the score is 24")
    screenshot(page, "day-2-not-on-track-client")

    alert_item = page.locator("li.alert-not_on_track").first
    alert_item.locator("summary").click()
    alert_item.get_by_label("What was done").select_option("changed_plan")
    alert_item.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("li.alert-not_on_track").first).to_contain_text("Acknowledged by tess")
    assert not Alert.objects.filter(
        episode__client=struggling, kind="not_on_track", status="open"
    ).exists()
    screenshot(page, "day-3-alert-acknowledged")

    page.get_by_role("link", name="Add a goal").first.click()
    page.get_by_label("The goal, in the client's own words").fill("Sleep through the night")
    page.get_by_role("button", name="Add goal").click()
    goal = page.locator(".goal-item").filter(has_text="Sleep through the night")
    goal.get_by_label("Rating (0 to 10)").fill("8")
    goal.get_by_role("button", name="Save rating").click()
    # The goal milestone in the client's own words, with the goal's number.
    expect(page.locator(".milestones")).to_contain_text(
        "Goal 1 “Sleep through the night” rated 8/10"
    )
    screenshot(page, "day-4-goal-milestone")

    page.get_by_role("link", name="Wins", exact=True).click()
    wins = page.locator(".win-group").filter(has_text="Sasha Struggling")
    expect(wins).to_contain_text("Goal 1 “Sleep through the night” rated 8/10")
    screenshot(page, "day-5-wins")

    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in(page, live_server.url, "otto")
    episode = struggling.episodes.get()
    appointment = episode.appointments.first()
    assert appointment is not None
    for path in (
        f"/clients/{struggling.pk}/",
        f"/episodes/{episode.pk}/goals/",
        f"/appointments/{appointment.pk}/note/",
        f"/episodes/{episode.pk}/goals/new/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 404, path
    expect(page.get_by_text("Sasha Struggling")).to_have_count(0)
