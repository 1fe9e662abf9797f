"""Idempotency keys belong to the actor and the object they were made for, and are
looked up only after the permission check: someone else's key finds nothing."""

import uuid
from datetime import date
from decimal import Decimal

from django.http import Http404
from django.urls import reverse

from strides.assessments.models import Assessment
from strides.assessments.services import assessment_record
from strides.goals.models import Goal, GoalRating
from strides.goals.services import goal_create, goal_rate
from tests.base import PersonaTestCase, phq9_answers


class AssessmentKeyTests(PersonaTestCase):
    def setUp(self) -> None:
        self.key = uuid.uuid4()
        self.tess_phq9 = assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(17, item9=2),
            taken_on=date(2026, 11, 20),
            submission_key=self.key,
        )

    def test_posting_her_key_to_his_own_episode_shows_him_nothing_of_hers(self) -> None:
        self.login(self.otto)
        url = reverse("assessment_new", args=[self.otto_episode.pk]) + "?instrument=phq9"
        data = {f"item_{n}": "1" for n in range(1, 9)} | {
            "item_9": "0",
            "taken_on": "2026-11-21",
            "submission_key": str(self.key),
        }
        response = self.client.post(url, data, follow=True)
        self.assertEqual(
            response.redirect_chain[0][0].split("#")[0],
            reverse("client_detail", args=[self.otto_client.pk]),
        )
        for secret in ("total 17", "Risk item endorsed", "answered 2"):
            self.assertNotContains(response, secret)
        self.assertContains(response, "total 8")
        mine = Assessment.objects.get(episode=self.otto_episode)
        self.assertEqual((mine.entered_by, mine.total), (self.otto, 8))
        self.tess_phq9.refresh_from_db()
        self.assertEqual((self.tess_phq9.episode, self.tess_phq9.total), (self.tess_episode, 17))

    def test_her_key_on_her_episode_is_checked_before_it_is_looked_up(self) -> None:
        with self.assertRaises(Http404):
            assessment_record(
                actor=self.otto,
                episode=self.tess_episode,
                instrument_code="phq9",
                answers=phq9_answers(5),
                taken_on=date(2026, 11, 21),
                submission_key=self.key,
            )
        self.assertEqual(self.denied_events(self.otto, action="assessment.record"), 1)

    def test_her_own_repeated_submit_still_stores_once(self) -> None:
        again = assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(3),
            taken_on=date(2026, 11, 21),
            submission_key=self.key,
        )
        self.assertEqual(again, self.tess_phq9)
        self.assertEqual(Assessment.objects.count(), 1)


class GoalKeyTests(PersonaTestCase):
    def test_her_goal_key_on_his_episode_adds_his_own_goal(self) -> None:
        key = uuid.uuid4()
        hers = goal_create(
            actor=self.tess,
            episode=self.tess_episode,
            text="Tess's client's goal",
            submission_key=key,
        )
        his = goal_create(
            actor=self.otto, episode=self.otto_episode, text="Walk daily", submission_key=key
        )
        self.assertNotEqual(his, hers)
        self.assertEqual((his.episode, his.text), (self.otto_episode, "Walk daily"))
        self.assertEqual(Goal.objects.count(), 2)

    def test_her_rating_key_on_his_goal_rates_his_goal(self) -> None:
        key = uuid.uuid4()
        her_goal = goal_create(
            actor=self.tess, episode=self.tess_episode, text="Sleep", submission_key=uuid.uuid4()
        )
        his_goal = goal_create(
            actor=self.otto, episode=self.otto_episode, text="Walk", submission_key=uuid.uuid4()
        )
        hers = goal_rate(
            actor=self.tess,
            goal=her_goal,
            rating=Decimal("7"),
            rated_on=date(2026, 11, 1),
            submission_key=key,
        )
        his = goal_rate(
            actor=self.otto,
            goal=his_goal,
            rating=Decimal("3"),
            rated_on=date(2026, 11, 1),
            submission_key=key,
        )
        self.assertNotEqual(his, hers)
        self.assertEqual((his.goal, his.rating), (his_goal, Decimal("3")))
        self.assertEqual(GoalRating.objects.count(), 2)

    def test_a_key_on_a_goal_he_may_not_change_is_refused_first(self) -> None:
        key = uuid.uuid4()
        her_goal = goal_create(
            actor=self.tess, episode=self.tess_episode, text="Sleep", submission_key=uuid.uuid4()
        )
        goal_rate(
            actor=self.tess,
            goal=her_goal,
            rating=Decimal("7"),
            rated_on=date(2026, 11, 1),
            submission_key=key,
        )
        with self.assertRaises(Http404):
            goal_rate(
                actor=self.otto,
                goal=her_goal,
                rating=Decimal("1"),
                rated_on=date(2026, 11, 1),
                submission_key=key,
            )
        with self.assertRaises(Http404):
            goal_create(actor=self.otto, episode=self.tess_episode, text="x", submission_key=key)
