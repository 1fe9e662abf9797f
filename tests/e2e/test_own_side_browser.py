"""The own side in a real browser: tess checks in with the ProQOL 5 and sees her trend;
she celebrates a win, keeps a moment about what helped and finds it on her impact page;
sam opens the team outcomes and reads each rate with its n and interval."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from strides.accounts.models import Role, User
from strides.assessments.services import assessment_record
from strides.clients.models import Appointment, Client, Episode
from strides.clients.services import episode_end
from strides.milestones.services import milestone_record
from strides.wellbeing.services import checkin_record
from tests.base import phq9_answers
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import make_user, sign_in
from tests.test_clinic_outcomes import TESS_COURSES
from tests.test_talking_therapies_outcomes import gad7_answers
from tests.test_wellbeing import proqol_answers

pytestmark = pytest.mark.e2e


def finished_course(therapist: User, number: int, course: tuple[int, int, int, int, str]) -> None:
    today = timezone.localdate()
    client = Client.objects.create(display_name=f"Course client {number}")
    episode = Episode.objects.create(
        client=client, therapist=therapist, start=today - timedelta(days=70)
    )
    for days_ago in (60, 40, 20):
        day = today - timedelta(days=days_ago)
        Appointment.objects.create(
            episode=episode,
            status="attended",
            at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        )
    for days_ago, phq, gad in ((60, course[0], course[2]), (20, course[1], course[3])):
        for code, answers in (("phq9", phq9_answers(phq)), ("gad7", gad7_answers(gad))):
            assessment_record(
                actor=therapist,
                episode=episode,
                instrument_code=code,
                answers=answers,
                taken_on=today - timedelta(days=days_ago),
                submission_key=uuid.uuid4(),
            )
    episode_end(
        actor=therapist, episode=episode, end=today - timedelta(days=10), end_reason=course[4]
    )


@pytest.mark.django_db(transaction=True)
def test_own_side_and_team_outcomes(live_server, page: Page) -> None:
    tess = make_user("tess", Role.THERAPIST)
    sam = make_user("sam", Role.SUPERVISOR)
    sam.supervisees.set([tess])
    today = timezone.localdate()
    checkin_record(
        actor=tess, answers=proqol_answers(cs=3, bo=3, sts=3), taken_on=today - timedelta(days=30)
    )
    robin = Client.objects.create(display_name="Robin Story")
    episode = Episode.objects.create(client=robin, therapist=tess, start=today - timedelta(days=30))
    milestone_record(
        actor=tess, episode=episode, summary="Back at work", occurred_on=today - timedelta(days=1)
    )
    for number, course in enumerate(TESS_COURSES):
        finished_course(tess, number, course)

    sign_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/wellbeing/check-in/")
    for item in range(1, 31):
        page.locator(f'input[name="item_{item}"][value="4"]').check()
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_role("heading", name="Your trend")).to_be_visible()
    charts = page.locator(".trend-grid svg[role=img]")
    expect(charts).to_have_count(3)
    expect(charts.first).to_contain_text("Compassion satisfaction")
    screenshot(page, "own-side-wellbeing")

    page.goto(f"{live_server.url}/clients/{robin.pk}/")
    page.get_by_role("button", name="Mark celebrated").click()
    page.get_by_role("link", name="What helped here?").click()
    expect(page.get_by_text("Back at work")).to_be_visible()
    page.get_by_label("What mattered").fill("Naming the small wins out loud each week")
    page.get_by_role("button", name="Keep it").click()
    expect(page).to_have_url(f"{live_server.url}/impact/")
    expect(page.get_by_text("Naming the small wins out loud each week")).to_be_visible()
    expect(page.locator(".figure-celebrated .count")).to_have_text("1")
    screenshot(page, "own-side-impact")
    page.get_by_role("button", name="Sign out tess").click()

    sign_in(page, live_server.url, "sam")
    page.goto(f"{live_server.url}/outcomes/team/?period=all")
    rates = page.locator("#rates-title + table")
    improvement = rates.locator("tr.rate-reliable_improvement")
    expect(improvement.locator("td").first).to_have_text("12")
    expect(improvement).to_contain_text("%")
    expect(improvement).to_contain_text("\u2013")  # the interval
    expect(page.locator("svg.rate-chart")).to_be_visible()
    screenshot(page, "own-side-team-outcomes")
