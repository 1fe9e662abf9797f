"""NHS Talking Therapies outcomes as stored: GAD-7 fallback, treatment sessions only,
and the STRIDES_TT_DETERIORATION setting (CLINICAL.md section 5)."""

import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime

from django.test import override_settings

from strides.assessments.services import assessment_record
from strides.clients.models import Appointment
from strides.clients.services import episode_end
from strides.outcomes.models import EpisodeProgress
from tests.base import PersonaTestCase, phq9_answers


def gad7_answers(total: int) -> dict[int, int | None]:
    answers: dict[int, int | None] = {i: 0 for i in range(1, 8)}
    for i in range(total):
        answers[1 + i % 7] = (answers[1 + i % 7] or 0) + 1
    return answers


class TalkingTherapiesOutcomeTests(PersonaTestCase):
    def setUp(self) -> None:
        # tests/base gives tess one attended (treatment) appointment on 1 Sep
        self.episode = self.tess_episode

    def attend(self, day: date, kind: str = "treatment") -> None:
        Appointment.objects.create(
            episode=self.episode,
            at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
            status="attended",
            kind=kind,
        )

    def measure(self, day: date, phq9: int, gad7: int) -> None:
        for code, answers in (("phq9", phq9_answers(phq9)), ("gad7", gad7_answers(gad7))):
            assessment_record(
                actor=self.tess,
                episode=self.episode,
                instrument_code=code,
                answers=answers,
                taken_on=day,
                submission_key=uuid.uuid4(),
            )

    def outcome(self) -> dict:
        episode_end(
            actor=self.tess, episode=self.episode, end=date(2026, 10, 9), end_reason="planned"
        )
        outcome = EpisodeProgress.objects.get(episode=self.episode).talking_therapies
        assert outcome is not None
        return outcome

    def test_spin_episode_without_spin_scores_falls_back_to_gad7(self) -> None:
        self.episode.anxiety_measure = "spin"
        self.episode.save()
        self.attend(date(2026, 10, 8))
        self.measure(date(2026, 9, 1), 16, 12)
        self.measure(date(2026, 10, 8), 6, 5)
        outcome = self.outcome()
        self.assertEqual(outcome["anxiety_measure"], "gad7")
        self.assertTrue(outcome["anxiety_measure_fallback"])
        self.assertTrue(outcome["finished_course"])
        self.assertTrue(outcome["reliable_recovery"])

    def test_gad7_episode_is_not_a_fallback(self) -> None:
        self.attend(date(2026, 10, 8))
        self.measure(date(2026, 9, 1), 16, 12)
        self.measure(date(2026, 10, 8), 6, 5)
        outcome = self.outcome()
        self.assertEqual(
            (outcome["anxiety_measure"], outcome["anxiety_measure_fallback"]), ("gad7", False)
        )

    def test_an_assessment_appointment_is_not_a_treatment_session(self) -> None:
        # the base appointment (treatment) plus an attended assessment: one treatment session
        self.attend(date(2026, 10, 8), kind="assessment")
        self.measure(date(2026, 9, 1), 16, 12)
        self.measure(date(2026, 10, 8), 6, 5)
        outcome = self.outcome()
        self.assertEqual(outcome["treatment_sessions"], 1)
        self.assertFalse(outcome["finished_course"])
        self.assertIsNone(outcome["recovered"])

    def test_two_attended_treatment_sessions_finish_a_course(self) -> None:
        self.attend(date(2026, 9, 20), kind="assessment")
        self.attend(date(2026, 10, 8))
        self.measure(date(2026, 9, 1), 16, 12)
        self.measure(date(2026, 10, 8), 6, 5)
        outcome = self.outcome()
        self.assertEqual(outcome["treatment_sessions"], 2)
        self.assertTrue(outcome["finished_course"])

    def deteriorating_course(self) -> dict:
        # PHQ-9 reliably worse (+6), GAD-7 reliably better (-4)
        self.attend(date(2026, 10, 8))
        self.measure(date(2026, 9, 1), 10, 12)
        self.measure(date(2026, 10, 8), 16, 8)
        return self.outcome()

    def test_default_deterioration_reading_is_either(self) -> None:
        outcome = self.deteriorating_course()
        self.assertEqual(outcome["deterioration_rule"], "either")
        self.assertTrue(outcome["reliable_deterioration"])

    @override_settings(STRIDES_TT_DETERIORATION="no_improvement_on_other")
    def test_no_improvement_on_other_reading_is_passed_to_the_rule(self) -> None:
        outcome = self.deteriorating_course()
        self.assertEqual(outcome["deterioration_rule"], "no_improvement_on_other")
        self.assertFalse(outcome["reliable_deterioration"])


def test_an_invalid_deterioration_setting_is_refused_at_start() -> None:
    env = {**os.environ, "STRIDES_TT_DETERIORATION": "sometimes"}
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--settings", "strides.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "STRIDES_TT_DETERIORATION='sometimes' is not allowed" in result.stderr
    assert "either, no_improvement_on_other" in result.stderr
