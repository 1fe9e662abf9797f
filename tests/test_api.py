"""The REST API at /api/v1/: Bearer tokens, the one access rule (another therapist's
objects are 404), read tokens cannot write (403), strict JSON input, 415, pagination
and filters."""

import json
import uuid
from typing import Any

from django.test import Client as HttpClient

from strides.alerts.models import Alert
from strides.api.services import token_create, token_revoke
from strides.assessments.models import Assessment
from strides.goals.models import Goal
from strides.milestones.models import Milestone
from tests.base import PersonaTestCase
from tests.fhir_records import seed_record


class ApiTestCase(PersonaTestCase):
    tess_write: str
    tess_read: str
    otto_write: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        seed_record(therapist=cls.tess, episode=cls.tess_episode)
        seed_record(therapist=cls.otto, episode=cls.otto_episode)
        cls.tess_write = token_create(actor=cls.tess, user=cls.tess, name="w", write=True)[1]
        cls.tess_read = token_create(actor=cls.tess, user=cls.tess, name="r", write=False)[1]
        cls.otto_write = token_create(actor=cls.otto, user=cls.otto, name="w", write=True)[1]

    def call(self, method: str, path: str, token: str, body: Any = None, **kwargs: Any):
        http = HttpClient()
        headers = {"Authorization": f"Bearer {token}"}
        if body is not None:
            kwargs.setdefault("content_type", "application/json")
            kwargs["data"] = json.dumps(body) if kwargs["content_type"].endswith("json") else body
        return getattr(http, method)(f"/api/v1{path}", headers=headers, **kwargs)

    def assessment_body(self, **changes: Any) -> dict[str, Any]:
        body = {
            "episode": self.tess_episode.pk,
            "instrument_code": "phq9",
            "taken_on": "2026-11-03",
            "answers": {str(n): 1 for n in range(1, 10)},
            "submission_key": str(uuid.uuid4()),
        }
        return {**body, **changes}


class ApiAccessTests(ApiTestCase):
    def test_otto_gets_404_for_each_of_tess_objects(self) -> None:
        tess = self.tess_episode
        goal = Goal.objects.filter(episode=tess).first()
        paths = [
            f"/clients/{self.tess_client.pk}",
            f"/episodes/{tess.pk}",
            f"/appointments/{self.tess_appointment.pk}",
            f"/assessments/{Assessment.objects.filter(episode=tess).first().pk}",  # type: ignore[union-attr]
            f"/goals/{goal.pk}",  # type: ignore[union-attr]
            f"/goals/{goal.pk}/ratings",  # type: ignore[union-attr]
        ]
        if (milestone := Milestone.objects.filter(episode=tess).first()) is not None:
            paths.append(f"/milestones/{milestone.pk}")
        if (alert := Alert.objects.filter(episode=tess).first()) is not None:
            paths.append(f"/alerts/{alert.pk}")
        for path in paths:
            with self.subTest(path):
                self.assertEqual(self.call("get", path, self.otto_write).status_code, 404)
                self.assertEqual(self.call("get", path, self.tess_read).status_code, 200)
        self.assertGreaterEqual(self.denied_events(self.otto), len(paths))

    def test_otto_cannot_write_into_tess_episode(self) -> None:
        response = self.call("post", "/assessments", self.otto_write, self.assessment_body())
        self.assertEqual(response.status_code, 404)
        goal = Goal.objects.filter(episode=self.tess_episode).first()
        rating = {"rating": 5, "rated_on": "2026-11-03", "submission_key": str(uuid.uuid4())}
        response = self.call("post", f"/goals/{goal.pk}/ratings", self.otto_write, rating)  # type: ignore[union-attr]
        self.assertEqual(response.status_code, 404)

    def test_lists_hold_only_what_the_user_reads(self) -> None:
        listed = self.call("get", "/assessments?limit=100", self.otto_write).json()
        episodes = {row["episode"] for row in listed["items"]}
        self.assertEqual(episodes, {self.otto_episode.pk})
        clients = self.call("get", "/clients", self.otto_write).json()
        self.assertEqual([c["id"] for c in clients["items"]], [self.otto_client.pk])

    def test_read_token_cannot_write(self) -> None:
        response = self.call("post", "/assessments", self.tess_read, self.assessment_body())
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Assessment.objects.filter(taken_on="2026-11-03").count(), 0)

    def test_no_token_or_a_revoked_token_is_401(self) -> None:
        self.assertEqual(HttpClient().get("/api/v1/clients").status_code, 401)
        token, raw = token_create(actor=self.tess, user=self.tess, name="gone", write=True)
        self.assertEqual(self.call("get", "/clients", raw).status_code, 200)
        token_revoke(actor=self.tess, token=token)
        self.assertEqual(self.call("get", "/clients", raw).status_code, 401)


class ApiWriteTests(ApiTestCase):
    def test_server_scores_a_new_assessment(self) -> None:
        response = self.call("post", "/assessments", self.tess_write, self.assessment_body())
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["total"], body["band"]), (9, "mild"))
        self.assertTrue(body["has_risk"])
        stored = Assessment.objects.get(pk=body["id"])
        self.assertEqual(stored.total, 9)

    def test_strict_input_refuses_false_strings_and_unknown_fields(self) -> None:
        for changes in (
            {"answers": {"1": False}},
            {"answers": {"1": "2"}},
            {"episode": str(self.tess_episode.pk)},
            {"colour": "blue"},
            {"taken_on": 20261103},
        ):
            with self.subTest(changes):
                body = self.assessment_body(**changes)
                response = self.call("post", "/assessments", self.tess_write, body)
                self.assertEqual(response.status_code, 422, response.content)

    def test_out_of_range_answers_are_422_with_the_engines_words(self) -> None:
        body = self.assessment_body(answers={"1": 7})
        response = self.call("post", "/assessments", self.tess_write, body)
        self.assertEqual(response.status_code, 422)
        self.assertIn("out of range", json.dumps(response.json()))

    def test_wrong_content_type_is_415(self) -> None:
        response = self.call(
            "post", "/assessments", self.tess_write, "episode=1", content_type="text/plain"
        )
        self.assertEqual(response.status_code, 415)

    def test_goal_and_rating(self) -> None:
        Goal.objects.filter(episode=self.tess_episode).update(status="achieved")
        body = {
            "episode": self.tess_episode.pk,
            "text": "Sleep before midnight",
            "submission_key": str(uuid.uuid4()),
        }
        goal = self.call("post", "/goals", self.tess_write, body)
        self.assertEqual(goal.status_code, 201, goal.content)
        self.assertEqual(goal.json()["text"], "Sleep before midnight")
        rating = {"rating": 6.5, "rated_on": "2026-11-03", "submission_key": str(uuid.uuid4())}
        path = f"/goals/{goal.json()['id']}/ratings"
        self.assertEqual(self.call("post", path, self.tess_write, rating).status_code, 201)
        listed = self.call("get", path, self.tess_read).json()
        self.assertEqual([r["rating"] for r in listed["items"]], [6.5])

    def test_appointment_create(self) -> None:
        body = {
            "episode": self.tess_episode.pk,
            "at": "2026-11-04T10:00:00+00:00",
            "status": "attended",
        }
        response = self.call("post", "/appointments", self.tess_write, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["status"], "attended")

    def test_acknowledge_an_alert(self) -> None:
        alert = Alert.objects.filter(episode=self.tess_episode, status="open").first()
        assert alert is not None, "the seeded PHQ-9 item 9 answer raises a risk alert"
        path = f"/alerts/{alert.pk}/acknowledge"
        self.assertEqual(
            self.call("post", path, self.otto_write, {"action": "safety_plan"}).status_code, 404
        )
        response = self.call("post", path, self.tess_write, {"action": "safety_plan"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "acknowledged")


class ApiListTests(ApiTestCase):
    def test_pagination(self) -> None:
        first = self.call("get", "/assessments?limit=2&offset=0", self.tess_read).json()
        second = self.call("get", "/assessments?limit=2&offset=2", self.tess_read).json()
        self.assertEqual(first["count"], 5)
        self.assertEqual(len(first["items"]), 2)
        self.assertFalse({r["id"] for r in first["items"]} & {r["id"] for r in second["items"]})

    def test_filters(self) -> None:
        phq9 = self.call("get", "/assessments?instrument_code=phq9", self.tess_read).json()
        self.assertEqual(phq9["count"], 2)
        later = self.call("get", "/assessments?taken_after=2026-10-01", self.tess_read).json()
        self.assertEqual([r["taken_on"] for r in later["items"]], ["2026-10-20"])
        open_alerts = self.call("get", "/alerts?status=open", self.tess_read).json()
        self.assertTrue(all(a["status"] == "open" for a in open_alerts["items"]))

    def test_openapi_is_3_1_and_documents_the_statuses(self) -> None:
        schema = HttpClient().get("/api/v1/openapi.json").json()
        self.assertTrue(schema["openapi"].startswith("3.1"))
        post = schema["paths"]["/api/v1/assessments"]["post"]
        self.assertEqual(set(post["responses"]), {"201", "400", "401", "403", "404", "415", "422"})
        # No Swagger page: it would load scripts from a CDN.
        self.assertEqual(HttpClient().get("/api/v1/docs").status_code, 404)
