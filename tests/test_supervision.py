"""The supervisor's view: each supervisee's caseload, alerts, not-on-track clients with
their explanation, and who has not been measured lately."""

import uuid
from datetime import UTC, date, datetime

import time_machine

from strides.assessments.services import assessment_record
from strides.clients.models import Client, Episode
from strides.outcomes.models import EpisodeProgress
from tests.base import PersonaTestCase, phq9_answers


@time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False)
class SupervisionTests(PersonaTestCase):
    def test_sam_sees_his_supervisees_caseload_and_who_needs_a_look(self) -> None:
        measured = Client.objects.create(display_name="Ash Measured")
        episode = Episode.objects.create(
            client=measured, therapist=self.tess, start=date(2026, 11, 1)
        )
        assessment_record(
            actor=self.tess,
            episode=episode,
            instrument_code="phq9",
            answers=phq9_answers(18, item9=1),
            taken_on=date(2026, 11, 20),
            submission_key=uuid.uuid4(),
        )
        progress = EpisodeProgress.objects.get(episode=episode)
        progress.status, progress.status_explanation = "not_on_track", "Observed 18, expected 12."
        progress.save()
        self.login(self.sam)
        page = self.client.get("/supervision/").content.decode()
        self.assertIn("Tess", page)
        self.assertIn("2 clients in care", page)
        self.assertIn("Observed 18, expected 12.", page)  # not on track, with the why
        not_measured = page.split("Not measured lately")[1].split("</ul>")[0]
        self.assertIn("Robin Tessclient", not_measured)  # no measure yet
        self.assertNotIn("Ash Measured", not_measured)
        self.assertIn("open alert", page)
        self.assertNotIn("Kit Ottoclient", page)  # otto is not sam's supervisee

    def test_a_stale_measure_counts_as_not_measured_lately(self) -> None:
        assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=phq9_answers(8),
            taken_on=date(2026, 9, 2),
            submission_key=uuid.uuid4(),
        )
        self.login(self.sam)
        page = self.client.get("/supervision/").content.decode()
        self.assertIn("last measure", page.split("Not measured lately")[1].split("</ul>")[0])

    def test_only_supervisors_have_the_page(self) -> None:
        for user in (self.tess, self.admin):
            self.login(user)
            self.assertEqual(self.client.get("/supervision/").status_code, 404, user.username)

    def test_a_supervisor_without_supervisees_is_told_what_to_do(self) -> None:
        lone = self.make_user("lone", "supervisor")
        self.login(lone)
        self.assertContains(self.client.get("/supervision/"), "No supervisees yet")
