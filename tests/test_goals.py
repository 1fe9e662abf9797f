"""Goals in the client's own words: rated 0-10 in session, closed with a history, scored
with Goal Attainment Scaling, stored encrypted, and visible only to those who may see."""

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from strides.audit.models import AuditEvent
from strides.goals.models import Goal, GoalRating, GoalStatus, GoalStatusChange
from strides.goals.selectors import (
    episode_goals,
    goal_chart_svg,
)
from strides.goals.services import (
    GoalConflict,
    goal_create,
    goal_edit,
    goal_rate,
    goal_set_status,
)
from strides.milestones.models import Milestone
from strides.outcomes.history import goal_points
from tests.base import PersonaTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

PAYLOAD = '<script>alert("x")</script>'


class GoalTestCase(PersonaTestCase):
    def add_goal(self, text: str = "Sleep through the night") -> Goal:
        return goal_create(
            actor=self.tess, episode=self.tess_episode, text=text, submission_key=uuid.uuid4()
        )

    def rate(self, goal: Goal, rating: str, on: date, gas_level: int | None = None) -> GoalRating:
        return goal_rate(
            actor=self.tess,
            goal=goal,
            rating=Decimal(rating),
            rated_on=on,
            gas_level=gas_level,
            submission_key=uuid.uuid4(),
        )

    def rating_post(self, rating: str, key: uuid.UUID | None = None) -> dict[str, str]:
        return {
            "rating": rating,
            "rated_on": "2026-10-01",
            "gas_level": "",
            "submission_key": str(key or uuid.uuid4()),
        }

    def goals_page(self) -> "TestResponse":
        return self.client.get(reverse("episode_goals", args=[self.tess_episode.pk]))


class GoalLifecycleTests(GoalTestCase):
    def test_therapist_adds_rates_and_closes_a_goal_over_http(self) -> None:
        self.login(self.tess)
        response = self.client.post(
            reverse("goal_new", args=[self.tess_episode.pk]),
            {"text": "  Go back to the choir  ", "gas_weight": "1", "submission_key": uuid.uuid4()},
        )
        client_page = reverse("client_detail", args=[self.tess_client.pk])
        self.assertRedirects(
            response, f"{client_page}#goals-{self.tess_episode.pk}", fetch_redirect_response=False
        )
        goal = Goal.objects.get()
        self.assertEqual(
            (goal.text, goal.status, goal.version), ("Go back to the choir", "active", 1)
        )

        response = self.client.post(reverse("goal_rate", args=[goal.pk]), self.rating_post("3.5"))
        self.assertRedirects(
            response, f"{client_page}#goals-{self.tess_episode.pk}", fetch_redirect_response=False
        )
        second = {**self.rating_post("6"), "rated_on": "2026-10-15"}
        self.client.post(reverse("goal_rate", args=[goal.pk]), second)
        self.assertEqual(
            list(goal.ratings.values_list("rating", flat=True)), [Decimal("3.5"), Decimal("6.0")]
        )

        self.client.post(
            reverse("goal_status", args=[goal.pk]),
            {"status": "achieved", "note": "Sang at the winter concert"},
        )
        goal.refresh_from_db()
        self.assertEqual(goal.status, GoalStatus.ACHIEVED)
        steps = list(goal.status_changes.values_list("from_status", "to_status"))
        self.assertEqual(steps, [("", "active"), ("active", "achieved")])

        page = self.goals_page()
        self.assertContains(page, "Go back to the choir")
        self.assertContains(page, "Achieved")
        self.assertContains(page, "Sang at the winter concert")
        self.assertContains(page, "+2.5 since the first rating")
        self.assertContains(page, "Reliable improvement")
        self.assertIn("<svg", page.context["goal_chart"])

    def test_at_most_three_active_goals(self) -> None:
        first, *_rest = [self.add_goal(f"Goal {n}") for n in range(3)]
        self.login(self.tess)
        response = self.client.post(
            reverse("goal_new", args=[self.tess_episode.pk]),
            {"text": "A fourth", "gas_weight": "1", "submission_key": uuid.uuid4()},
        )
        self.assertContains(response, "An episode has at most three active goals")
        self.assertEqual(Goal.objects.count(), 3)
        self.assertContains(self.goals_page(), "Three goals are active")

        goal_set_status(actor=self.tess, goal=first, status=GoalStatus.DROPPED)
        fourth = self.add_goal("A fourth")
        self.assertEqual(Goal.objects.filter(status=GoalStatus.ACTIVE).count(), 3)
        with self.assertRaisesMessage(ValidationError, "at most three active goals"):
            goal_set_status(actor=self.tess, goal=first, status=GoalStatus.ACTIVE)
        goal_set_status(actor=self.tess, goal=fourth, status=GoalStatus.CHANGED)
        goal_set_status(actor=self.tess, goal=first, status=GoalStatus.ACTIVE)
        first.refresh_from_db()
        self.assertEqual(first.status, GoalStatus.ACTIVE)

    def test_setting_the_same_status_is_refused(self) -> None:
        goal = self.add_goal()
        self.login(self.tess)
        response = self.client.post(reverse("goal_status", args=[goal.pk]), {"status": "active"})
        self.assertContains(response, "Select a valid choice")
        with self.assertRaisesMessage(ValidationError, "already active"):
            goal_set_status(actor=self.tess, goal=goal, status=GoalStatus.ACTIVE)
        self.assertEqual(GoalStatusChange.objects.count(), 1)

    def test_only_active_goals_can_be_rated(self) -> None:
        goal = self.add_goal()
        goal_set_status(actor=self.tess, goal=goal, status=GoalStatus.DROPPED)
        self.login(self.tess)
        response = self.client.post(reverse("goal_rate", args=[goal.pk]), self.rating_post("5"))
        self.assertContains(response, "Only an active goal can be rated")
        self.assertFalse(GoalRating.objects.exists())

    def test_double_submit_of_a_new_goal_stores_one(self) -> None:
        self.login(self.tess)
        data = {"text": "Walk the dog", "gas_weight": "1", "submission_key": str(uuid.uuid4())}
        url = reverse("goal_new", args=[self.tess_episode.pk])
        self.client.post(url, data)
        self.client.post(url, data)
        self.assertEqual(Goal.objects.count(), 1)


class GoalRatingTests(GoalTestCase):
    def test_rating_out_of_range_is_a_form_error_and_nothing_is_saved(self) -> None:
        goal = self.add_goal()
        self.login(self.tess)
        url = reverse("goal_rate", args=[goal.pk])
        for bad in ("11", "-1", "7.3", "seven"):
            response = self.client.post(url, self.rating_post(bad))
            self.assertEqual(response.status_code, 200, bad)
            self.assertTrue(response.context["form"].errors["rating"], bad)
            self.assertContains(response, 'value="' + bad + '"')  # what was typed is kept
        self.assertFalse(GoalRating.objects.exists())

    def test_future_date_is_refused(self) -> None:
        goal = self.add_goal()
        self.login(self.tess)
        data = {**self.rating_post("5"), "rated_on": "2999-01-01"}
        response = self.client.post(reverse("goal_rate", args=[goal.pk]), data)
        self.assertContains(response, "1 September 2026 (the episode&#x27;s start) and today")
        self.assertFalse(GoalRating.objects.exists())

    def test_double_submit_stores_one_rating(self) -> None:
        goal = self.add_goal()
        self.login(self.tess)
        data = self.rating_post("7")
        url = reverse("goal_rate", args=[goal.pk])
        first = self.client.post(url, data)
        second = self.client.post(url, data)
        self.assertEqual(GoalRating.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])

    def test_htmx_rating_returns_the_refreshed_goals(self) -> None:
        goal = self.add_goal()
        self.login(self.tess)
        url = reverse("goal_rate", args=[goal.pk])
        response = self.client.post(url, self.rating_post("4"), headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "goals/episode_goals.html")
        self.assertContains(response, f'id="goals-{self.tess_episode.pk}"')
        self.assertContains(response, "Rating saved: 4/10.")
        self.assertContains(
            response, f'<div id="milestones-{self.tess_episode.pk}" hx-swap-oob="true">'
        )
        self.assertNotContains(response, "<html")

        refused = self.client.post(url, self.rating_post("12"), headers={"HX-Request": "true"})
        self.assertContains(refused, 'role="alert"')
        self.assertContains(refused, 'value="12"')
        self.assertEqual(GoalRating.objects.count(), 1)

    def test_rating_form_works_by_keyboard_without_javascript(self) -> None:
        goal = self.add_goal()
        self.login(self.tess)
        page = self.goals_page().content.decode()
        action = reverse("goal_rate", args=[goal.pk])
        self.assertIn(f'method="post" action="{action}"', page)
        self.assertIn(f'hx-post="{action}"', page)
        self.assertIn(f'<label for="goal-{goal.pk}-rating">', page)
        self.assertIn('type="number"', page)
        self.assertIn('step="0.5"', page)

    def test_change_and_reliable_improvement(self) -> None:
        goal = self.add_goal()
        self.rate(goal, "3", date(2026, 9, 8))
        self.rate(goal, "5", date(2026, 9, 22))
        view = next(iter(episode_goals(episode=self.tess_episode)))
        self.assertEqual(view.change, 2.0)
        self.assertFalse(view.reliably_improved)
        self.rate(goal, "5.5", date(2026, 10, 6))
        view = next(iter(episode_goals(episode=self.tess_episode)))
        self.assertEqual((view.change, float(view.latest.rating)), (2.5, 5.5))  # type: ignore[union-attr]
        self.assertTrue(view.reliably_improved)

    def test_ratings_feed_the_progress_engine_by_number_not_by_words(self) -> None:
        goal = self.add_goal("Call my sister")
        self.rate(goal, "2", date(2026, 9, 8))
        [point] = goal_points(self.tess_episode)
        self.assertEqual(
            (point.goal_id, point.goal_text, point.when, point.rating),
            (goal.pk, "Goal 1", date(2026, 9, 8), 2.0),
        )

    def test_high_rating_is_celebrated_as_a_goal_milestone(self) -> None:
        goal = self.add_goal()
        self.rate(goal, "6", date(2026, 9, 8))
        self.assertFalse(Milestone.objects.filter(kind="goal_high").exists())
        self.rate(goal, "8", date(2026, 9, 22))
        milestone = Milestone.objects.get(kind="goal_high", episode=self.tess_episode)
        self.assertEqual(milestone.source_id, goal.pk)


class GasTests(GoalTestCase):
    def test_t_score_of_the_active_goals_with_a_level(self) -> None:
        expected, beyond, closed = (self.add_goal(f"Goal {n}") for n in range(3))
        self.rate(expected, "5", date(2026, 9, 8), gas_level=-1)
        self.rate(expected, "6", date(2026, 9, 22), gas_level=0)
        self.rate(beyond, "8", date(2026, 9, 22), gas_level=1)
        self.rate(closed, "2", date(2026, 9, 22), gas_level=-2)
        goal_set_status(actor=self.tess, goal=closed, status=GoalStatus.DROPPED)
        goals = episode_goals(episode=self.tess_episode)
        self.assertEqual(goals.gas_goals, 2)
        self.assertAlmostEqual(goals.gas_t_score or 0, 56.2017, places=4)
        self.login(self.tess)
        self.assertContains(self.goals_page(), "GAS T-score 56.2")

    def test_no_t_score_without_levels(self) -> None:
        self.rate(self.add_goal(), "5", date(2026, 9, 8))
        self.assertIsNone(episode_goals(episode=self.tess_episode).gas_t_score)


class GoalEditTests(GoalTestCase):
    def test_edit_with_the_current_version_saves_and_counts_up(self) -> None:
        goal = self.add_goal("Sleep better")
        self.login(self.tess)
        self.client.post(
            reverse("goal_edit", args=[goal.pk]),
            {"text": "Sleep six hours", "gas_weight": "2", "version": "1"},
        )
        goal.refresh_from_db()
        self.assertEqual((goal.text, goal.gas_weight, goal.version), ("Sleep six hours", 2, 2))

    def test_stale_edit_shows_both_texts_and_keeps_the_stored_one(self) -> None:
        goal = self.add_goal("Sleep better")
        goal_edit(
            actor=self.tess, goal=goal, text="Sleep six hours", expected_version=1, gas_weight=1
        )
        self.login(self.tess)
        response = self.client.post(
            reverse("goal_edit", args=[goal.pk]),
            {"text": "Sleep without pills", "gas_weight": "1", "version": "1"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone else changed this goal")
        self.assertContains(response, "Saved now: “Sleep six hours”")
        self.assertContains(response, "Sleep without pills", count=2)  # quoted and in the box
        self.assertContains(response, 'name="version" value="2"')
        goal.refresh_from_db()
        self.assertEqual((goal.text, goal.version), ("Sleep six hours", 2))

    def test_conflict_carries_both_texts(self) -> None:
        goal = self.add_goal("Sleep better")
        goal_edit(actor=self.tess, goal=goal, text="Sleep more", expected_version=1, gas_weight=1)
        with self.assertRaises(GoalConflict) as caught:
            goal_edit(actor=self.tess, goal=goal, text="Nap", expected_version=1, gas_weight=1)
        conflict = caught.exception
        self.assertEqual(
            (conflict.stored_text, conflict.submitted_text, conflict.stored_version),
            ("Sleep more", "Nap", 2),
        )

    def test_empty_text_is_refused(self) -> None:
        goal = self.add_goal("Sleep better")
        self.login(self.tess)
        response = self.client.post(
            reverse("goal_edit", args=[goal.pk]), {"text": "   ", "gas_weight": "1", "version": "1"}
        )
        self.assertTrue(response.context["form"].errors["text"])
        goal.refresh_from_db()
        self.assertEqual(goal.text, "Sleep better")


class GoalDataSafetyTests(GoalTestCase):
    def test_goal_text_and_notes_are_stored_encrypted(self) -> None:
        goal = self.add_goal("Tell Sam about the debts")
        goal_set_status(
            actor=self.tess, goal=goal, status=GoalStatus.CHANGED, note="Now about the house"
        )
        [(raw,)] = Goal.objects.values_list("text_encrypted")
        self.assertNotIn("debts", raw)
        notes = "".join(GoalStatusChange.objects.values_list("note_encrypted", flat=True))
        self.assertNotIn("house", notes)
        details = "".join(AuditEvent.objects.values_list("detail", flat=True))
        self.assertNotIn("debts", details)
        self.assertNotIn("house", details)

    def test_stored_markup_renders_as_text_on_every_goal_page(self) -> None:
        goal = self.add_goal(PAYLOAD)
        self.rate(goal, "5", date(2026, 9, 8))
        goal_set_status(actor=self.tess, goal=goal, status=GoalStatus.CHANGED, note=PAYLOAD)
        goal_set_status(actor=self.tess, goal=goal, status=GoalStatus.ACTIVE)
        self.login(self.tess)
        for url in (
            reverse("episode_goals", args=[self.tess_episode.pk]),
            reverse("goal_edit", args=[goal.pk]),
            reverse("goal_rate", args=[goal.pk]),
            reverse("goal_status", args=[goal.pk]),
        ):
            body = self.client.get(url).content.decode()
            self.assertNotIn(PAYLOAD, body, url)
            self.assertIn("&lt;script&gt;", body, url)
        self.assertNotIn("<script>alert", goal_chart_svg(episode=self.tess_episode))

    def test_every_change_writes_an_audit_event(self) -> None:
        goal = self.add_goal()
        rating = self.rate(goal, "4", date(2026, 9, 8))
        goal_edit(actor=self.tess, goal=goal, text="Sleep well", expected_version=1, gas_weight=1)
        goal_set_status(actor=self.tess, goal=goal, status=GoalStatus.ACHIEVED)
        events = AuditEvent.objects.filter(client=self.tess_client, actor=self.tess)
        actions = list(events.filter(action__startswith="goal.").values_list("action", "object_id"))
        self.assertEqual(
            actions,
            [
                ("goal.create", str(goal.pk)),
                ("goal.rate", str(rating.pk)),
                ("goal.edit", str(goal.pk)),
                ("goal.status", str(goal.pk)),
            ],
        )


class GoalAccessTests(GoalTestCase):
    def setUp(self) -> None:
        self.goal = self.add_goal("Private words")

    def change_urls(self) -> list[str]:
        return [
            reverse("goal_new", args=[self.tess_episode.pk]),
            reverse("goal_edit", args=[self.goal.pk]),
            reverse("goal_rate", args=[self.goal.pk]),
            reverse("goal_status", args=[self.goal.pk]),
        ]

    def post_everything(self) -> list[tuple[str, int]]:
        posts = [
            (
                self.change_urls()[0],
                {"text": "x", "gas_weight": "1", "submission_key": uuid.uuid4()},
            ),
            (self.change_urls()[1], {"text": "x", "gas_weight": "1", "version": "1"}),
            (self.change_urls()[2], self.rating_post("9")),
            (self.change_urls()[3], {"status": "dropped"}),
        ]
        return [(url, self.client.post(url, data).status_code) for url, data in posts]

    def test_stranger_gets_404_on_every_goal_url(self) -> None:
        self.login(self.otto)
        for url in [reverse("episode_goals", args=[self.tess_episode.pk]), *self.change_urls()]:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        for url, status in self.post_everything():
            self.assertEqual(status, 404, url)
        self.assertGreaterEqual(self.denied_events(self.otto), 9)
        self.assertEqual((Goal.objects.count(), GoalRating.objects.count()), (1, 0))
        self.goal.refresh_from_db()
        self.assertEqual((self.goal.text, self.goal.status), ("Private words", "active"))

    def test_supervisor_reads_but_cannot_change(self) -> None:
        self.login(self.sam)
        page = self.goals_page()
        self.assertContains(page, "Private words")
        self.assertNotContains(page, reverse("goal_rate", args=[self.goal.pk]))
        self.assertNotContains(page, reverse("goal_new", args=[self.tess_episode.pk]))
        for url in self.change_urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)
        for url, status in self.post_everything():
            self.assertEqual(status, 404, url)
        self.assertEqual((Goal.objects.count(), GoalRating.objects.count()), (1, 0))

    def test_admin_without_break_glass_gets_404(self) -> None:
        self.login(self.admin)
        self.assertEqual(self.goals_page().status_code, 404)

    def test_services_refuse_a_stranger(self) -> None:
        with self.assertRaises(Http404):
            goal_rate(
                actor=self.otto,
                goal=self.goal,
                rating=Decimal("9"),
                rated_on=date(2026, 9, 8),
                submission_key=uuid.uuid4(),
            )
        with self.assertRaises(Http404):
            goal_create(
                actor=self.otto, episode=self.tess_episode, text="x", submission_key=uuid.uuid4()
            )
        self.assertEqual(self.denied_events(self.otto, action__in=["goal.rate", "goal.create"]), 2)
