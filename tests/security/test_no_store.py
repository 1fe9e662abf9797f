"""Every page Strides serves says `Cache-Control: no-store`, checked over every URL pattern.

The test walks the URL resolver, so a new URL is checked the day it is added; a path
parameter it does not know how to fill fails the test until it is named below.
"""

import uuid
from collections.abc import Iterator
from datetime import date

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from strides.alerts.models import Alert
from strides.assessments.services import assessment_record
from strides.crypto import encrypt_text
from strides.goals.services import goal_create
from strides.milestones.models import Milestone
from strides.wellbeing.services import moment_write
from tests.base import PersonaTestCase, phq9_answers


def url_names(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        else:
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            yield f"{namespace}{pattern.name}", pattern


class NoStoreTests(PersonaTestCase):
    parameters: dict[str, object]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        assessment = assessment_record(
            actor=cls.tess,
            episode=cls.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(12),
            taken_on=date(2026, 9, 1),
            submission_key=uuid.uuid4(),
        )
        alert = Alert.objects.create(
            episode=cls.tess_episode,
            kind="missed_measures",
            key="missed_measures:x",
            occurred_on=date(2026, 9, 1),
            latest_on=date(2026, 9, 1),
            summary="3 measures missed",
        )
        milestone = Milestone.objects.create(
            episode=cls.tess_episode,
            kind="manual",
            key="m1",
            occurred_on=date(2026, 9, 1),
            summary_encrypted=encrypt_text("Back at work"),
        )
        goal = goal_create(
            actor=cls.tess, episode=cls.tess_episode, text="Sleep", submission_key=uuid.uuid4()
        )
        cls.parameters = {
            "client_id": cls.tess_client.pk,
            "episode_id": cls.tess_episode.pk,
            "appointment_id": cls.tess_appointment.pk,
            "assessment_id": assessment.pk,
            "alert_id": alert.pk,
            "milestone_id": milestone.pk,
            "goal_id": goal.pk,
            "user_id": cls.otto.pk,
            "key": "not-a-real-key",
            "uidb36": "1",
            "kind": "celebrated",
            "moment_id": moment_write(actor=cls.tess, text="Kept").pk,
            # The client portal (its own records need not exist for the header).
            "invitation_id": 1,
            "schedule_id": 1,
            "token": "not-a-real-token",
            "step": 1,
            "value": "not-a-real-value",
        }

    def urls(self) -> list[str]:
        urls = []
        for name, pattern in url_names(get_resolver()):
            names = list(pattern.pattern.regex.groupindex)
            missing = [param for param in names if param not in self.parameters]
            self.assertFalse(missing, f"{name}: give the test an id for {missing}")
            urls.append(reverse(name, kwargs={param: self.parameters[param] for param in names}))
        return urls

    def assert_no_store(self, url: str) -> None:
        response = self.client.get(url)
        self.assertIn(
            "no-store", response.get("Cache-Control", ""), f"{url} ({response.status_code})"
        )

    def test_every_url_says_no_store_to_a_signed_in_therapist(self) -> None:
        urls = self.urls()
        self.assertGreater(len(urls), 50)
        for url in urls:
            self.login(self.tess)
            with self.subTest(url=url):
                self.assert_no_store(url)

    def test_every_url_says_no_store_to_an_admin(self) -> None:
        for url in self.urls():
            self.login(self.admin)
            with self.subTest(url=url):
                self.assert_no_store(url)

    def test_pages_before_sign_in_say_no_store(self) -> None:
        for url in [reverse("account_login"), reverse("home"), reverse("healthz")]:
            with self.subTest(url=url):
                self.assert_no_store(url)
