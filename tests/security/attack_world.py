"""The attack suite's clinic: every kind of record twice, once for tess and once for otto.

tess treats Robin (the records under attack); otto treats Kit. sam supervises tess;
admin has no break-glass grant; breaker (an admin) has one for Robin. A portal session
answers an invitation of Robin's episode. Every persona's request goes through `send`,
inside a savepoint rolled back afterwards, so a walk that posts to every URL leaves the
world as it found it.
"""

import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http.cookies import SimpleCookie
from typing import Any

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client as HttpClient
from django.utils import timezone

from strides.accounts.models import Role, User
from strides.alerts.models import Alert
from strides.api.services import token_create
from strides.assessments.models import Assessment
from strides.assessments.services import assessment_record
from strides.clients.models import Appointment, Client, Episode
from strides.clients.services import break_glass_open
from strides.goals.models import Goal
from strides.goals.services import goal_create
from strides.milestones.models import Milestone
from strides.milestones.services import milestone_record
from strides.notes.services import note_save
from strides.portal.mail import unsubscribe_link
from strides.portal.models import Invitation, Schedule
from strides.portal.services import invitation_create, schedule_create, story_share
from strides.wellbeing.models import Moment
from strides.wellbeing.services import moment_write
from tests.base import PersonaTestCase, phq9_answers

PERSONAS = ("owner", "other", "supervisor", "admin", "breakglass", "portal", "anonymous")


@dataclass(frozen=True)
class Records:
    """One therapist's side of the clinic: a record of every kind, and a secret word
    that appears in that side's client data and nowhere else."""

    secret: str
    client: Client
    episode: Episode
    appointment: Appointment
    assessment: Assessment
    goal: Goal
    alert: Alert
    milestone: Milestone
    invitation: Invitation
    schedule: Schedule
    moment: Moment
    token: str
    unsubscribe: str


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    content_type: str
    body: str


def build_side(therapist: User, client: Client, episode: Episode, secret: str) -> Records:
    Client.objects.filter(pk=client.pk).update(
        display_name=f"{client.display_name} {secret}", celebrations_opt_in=True
    )
    client.refresh_from_db()
    episode.refresh_from_db()
    appointment = Appointment.objects.create(
        episode=episode, at=datetime(2026, 9, 3, 10, tzinfo=UTC), status="attended"
    )
    note_save(actor=therapist, appointment=appointment, text=f"Note {secret}", base_version=0)
    assessment = assessment_record(
        actor=therapist,
        episode=episode,
        instrument_code="phq9",
        answers=phq9_answers(17, item9=2),
        taken_on=date(2026, 9, 3),
        submission_key=uuid.uuid4(),
    )
    goal = goal_create(
        actor=therapist, episode=episode, text=f"Goal {secret}", submission_key=uuid.uuid4()
    )
    milestone = milestone_record(
        actor=therapist,
        episode=episode,
        summary=f"Milestone {secret}",
        occurred_on=timezone.localdate(),
    )
    invitation = invitation_create(
        actor=therapist, episode=episode, instruments=["phq9"], include_goals=True
    ).invitation
    story_share(actor=therapist, episode=episode, enabled=True)
    schedule = schedule_create(
        actor=therapist, episode=episode, kind="every_n_weeks", every_weeks=4, instruments=["phq9"]
    )
    moment = moment_write(actor=therapist, text=f"Moment {secret}", milestone=milestone)
    token = token_create(actor=therapist, user=therapist, name="attack", write=True)[1]
    return Records(
        secret=secret,
        client=client,
        episode=episode,
        appointment=appointment,
        assessment=assessment,
        goal=goal,
        alert=Alert.objects.get(episode=episode, kind="risk"),
        milestone=milestone,
        invitation=invitation,
        schedule=schedule,
        moment=moment,
        token=token,
        unsubscribe=unsubscribe_link(client).rsplit("/", 1)[1],
    )


class AttackWorld(PersonaTestCase):
    breaker: User
    mine: Records
    theirs: Records
    portal_token: str
    tokens: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.breaker = User.objects.create(username="breaker", role=Role.ADMIN)
        for admin in (cls.admin, cls.breaker):  # clinic exports need two-factor
            Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={})
        cls.mine = build_side(cls.tess, cls.tess_client, cls.tess_episode, "Zqmine")
        cls.theirs = build_side(cls.otto, cls.otto_client, cls.otto_episode, "Zqtheirs")
        break_glass_open(
            actor=cls.breaker, client=cls.tess_client, reason="Client phoned in crisis today"
        )
        cls.portal_token = invitation_create(
            actor=cls.tess, episode=cls.tess_episode, instruments=["phq9"], include_goals=True
        ).token
        tokens = {
            persona: token_create(actor=user, user=user, name="attack", write=True)[1]
            for persona, user in cls.staff().items()
            if persona not in ("owner", "other")
        }
        cls.tokens = {"owner": cls.mine.token, "other": cls.theirs.token, **tokens}

    @classmethod
    def staff(cls) -> dict[str, User]:
        return {
            "owner": cls.tess,
            "other": cls.otto,
            "supervisor": cls.sam,
            "admin": cls.admin,
            "breakglass": cls.breaker,
        }

    def setUp(self) -> None:
        super().setUp()
        # One test client per CSRF mode, reused: a new client loads the middleware anew
        # (WhiteNoise scans the static files), which would dominate the suite's time.
        self.clients = {
            csrf: HttpClient(enforce_csrf_checks=csrf, raise_request_exception=False)
            for csrf in (False, True)
        }
        self.sessions: dict[str, str] = {}
        for persona, user in self.staff().items():
            http = self.http("anonymous")
            http.force_login(user)
            if user.role == Role.ADMIN:  # signed in just now with two-factor: may export
                session = http.session
                session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                    {"method": "password", "at": time.time(), "username": user.username},
                    {"method": "mfa", "at": time.time(), "type": "totp"},
                ]
                session["account_authentication_methods_user"] = str(user.pk)
                session.save()
            self.sessions[persona] = http.cookies[settings.SESSION_COOKIE_NAME].value
        http = self.http("anonymous")
        opened = http.get(f"/p/o/{self.portal_token}")
        assert opened.status_code == 302, opened.status_code
        self.sessions["portal"] = http.cookies[settings.SESSION_COOKIE_NAME].value

    def http(self, persona: str, *, csrf: bool = False) -> HttpClient:
        """A test client carrying only the persona's session (none for anonymous)."""
        http = self.clients[csrf]
        http.cookies = SimpleCookie()
        if persona in self.sessions:
            http.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return http

    def portal_csrf(self) -> str:
        page = self.send("portal", "get", "/p/answer/1").body
        found = re.search(r'name="portal_csrf" value="([^"]+)"', page)
        assert found is not None, "the portal form carries its token"
        return found.group(1)

    def send(
        self,
        persona: str,
        method: str,
        path: str,
        data: Mapping[str, Any] | str | None = None,
        *,
        bearer: str = "",
        csrf: bool = False,
        keep: bool = False,
        http: HttpClient | None = None,
        **extra: Any,
    ) -> Answer:
        """One request as the persona; its database changes are rolled back unless `keep`."""
        client = http or self.http(persona, csrf=csrf)
        if bearer:
            extra["headers"] = {"Authorization": f"Bearer {bearer}"}
        with transaction.atomic():
            if data is None:
                response = getattr(client, method)(path, **extra)
            else:
                response = getattr(client, method)(path, data, **extra)
            answer = _answer(response)
            if not keep:
                transaction.set_rollback(True)
        return answer


def _answer(response: HttpResponseBase) -> Answer:
    raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return Answer(
        status=response.status_code,
        location=response.get("Location", ""),
        content_type=response.get("Content-Type", ""),
        body=raw.decode("utf-8", errors="replace"),
    )
