"""A measure without expected-curve parameters says so on the chart and in the status,
instead of showing nothing (CORE-10 has no published default curve)."""

import uuid
from datetime import date

from django.urls import reverse

from strides.assessments.services import assessment_record
from strides.outcomes.models import EpisodeProgress
from tests.base import PersonaTestCase, phq9_answers


class NoExpectedCurveTests(PersonaTestCase):
    def test_core10_chart_and_status_say_there_is_no_expected_curve(self) -> None:
        assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="core10",
            answers={n: 2 for n in range(1, 11)},
            taken_on=date(2026, 9, 1),
            submission_key=uuid.uuid4(),
        )
        progress = EpisodeProgress.objects.get(episode=self.tess_episode)
        self.assertEqual((progress.main_instrument, progress.status), ("core10", ""))
        self.assertEqual(
            progress.status_explanation,
            "No expected curve for this measure, so it has no on-track status.",
        )
        self.login(self.tess)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(page, "No expected curve for this measure, so it has no on-track")
        self.assertContains(page, "no expected curve</span>")
        self.assertContains(page, "No expected curve for this measure</text>")

    def test_phq9_chart_draws_its_band_and_has_no_such_note(self) -> None:
        for day, total in ((date(2026, 9, 1), 18), (date(2026, 9, 8), 15)):
            assessment_record(
                actor=self.tess,
                episode=self.tess_episode,
                instrument_code="phq9",
                answers=phq9_answers(total),
                taken_on=day,
                submission_key=uuid.uuid4(),
            )
        self.login(self.tess)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertNotContains(page, "No expected curve for this measure")
        self.assertContains(page, "Expected range")
