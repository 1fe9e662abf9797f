"""Recording assessments in session: scored by the instrument rules, stored once, amended
with the original kept, risk shown the moment it is recorded."""

import uuid
from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse

from strides.alerts.models import Alert
from strides.alerts.services import alert_acknowledge
from strides.assessments.models import Assessment
from strides.assessments.services import assessment_amend, assessment_record
from strides.audit.models import AuditEvent
from strides.clients.models import Appointment
from tests.base import PersonaTestCase

PHQ9 = {1: 2, 2: 3, 3: 1, 4: 2, 5: 2, 6: 1, 7: 2, 8: 1, 9: 0}


def phq9_post(answers: Mapping[int, int | None], key: uuid.UUID | None = None) -> dict[str, str]:
    data = {f"item_{n}": "" if v is None else str(v) for n, v in answers.items()}
    data["taken_on"] = "2026-11-20"
    data["submission_key"] = str(key or uuid.uuid4())
    return data


class RecordAssessmentTests(PersonaTestCase):
    def record(self, answers: Mapping[int, int | None], **kwargs: object) -> Assessment:
        return assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=answers,
            taken_on=kwargs.pop("taken_on", date(2026, 11, 20)),  # type: ignore[arg-type]
            submission_key=uuid.uuid4(),
            **kwargs,  # type: ignore[arg-type]
        )

    def test_service_stores_answers_and_the_score(self) -> None:
        assessment = self.record(PHQ9)
        self.assertEqual((assessment.total, assessment.band), (14, "moderate"))
        self.assertEqual(assessment.answers["9"], 0)
        self.assertIn("caseness", assessment.flags)
        self.assertFalse(assessment.has_risk)
        self.assertEqual(assessment.instrument_version, "1")
        self.assertTrue(
            AuditEvent.objects.filter(action="assessment.record", client=self.tess_client).exists()
        )

    def test_invalid_answers_are_refused_listing_every_problem(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.record({1: 7, 2: 9, 3: 0})
        self.assertGreaterEqual(len(caught.exception.messages), 2)
        self.assertFalse(Assessment.objects.exists())

    def test_too_many_missing_items_is_stored_as_incomplete(self) -> None:
        assessment = self.record({1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1})
        self.assertIsNone(assessment.total)
        self.assertIn("incomplete", assessment.flags)
        self.assertEqual(len(assessment.answers), 6)

    def test_form_records_and_shows_history_with_changes(self) -> None:
        self.login(self.tess)
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
        self.assertContains(self.client.get(url), "better off dead")
        first = phq9_post({**PHQ9, 1: 3})
        first["taken_on"] = "2026-10-01"
        self.client.post(url, first)
        response = self.client.post(url, phq9_post(PHQ9), follow=True)
        self.assertContains(response, "PHQ-9")
        history = response.context["panels"][0].histories[0]
        totals = [row.assessment.total for row in history.rows]
        self.assertEqual(totals, [15, 14])
        self.assertEqual(history.rows[1].change_from_previous, -1)
        self.assertEqual(history.rows[1].change_from_first, -1)
        self.assertContains(response, "Moderate")

    def test_not_answered_items_are_stored_as_missing_and_total_prorated(self) -> None:
        self.login(self.tess)
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
        data = phq9_post({**PHQ9, 3: None})
        self.assertContains(self.client.post(url, data), "1 of 9 items is not answered")
        self.assertFalse(Assessment.objects.exists())
        self.client.post(url, {**data, "confirm_missing": "3"})
        assessment = Assessment.objects.get()
        self.assertIsNone(assessment.answers["3"])
        self.assertIn("prorated", assessment.flags)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(page, "prorated")

    def test_double_submit_stores_one_assessment(self) -> None:
        self.login(self.tess)
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
        data = phq9_post(PHQ9)
        first = self.client.post(url, data)
        second = self.client.post(url, data)
        self.assertEqual(Assessment.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])

    def test_risk_item_is_flagged_with_its_text_at_once(self) -> None:
        self.login(self.tess)
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
        response = self.client.post(url, phq9_post({**PHQ9, 9: 1}), follow=True)
        self.assertContains(response, "Risk item endorsed")
        self.assertContains(response, "Thoughts that you would be better off dead")
        self.assertContains(response, "Several days")
        caseload = self.client.get(reverse("caseload"))
        self.assertContains(caseload, "risk item endorsed")

    def test_caseload_marker_stays_until_the_risk_alert_is_acknowledged(self) -> None:
        self.record({**PHQ9, 9: 2}, taken_on=date(2026, 10, 1))
        self.login(self.tess)
        self.assertContains(self.client.get(reverse("caseload")), "risk item endorsed")
        self.record(PHQ9, taken_on=date(2026, 11, 1))
        self.assertContains(self.client.get(reverse("caseload")), "risk item endorsed")
        alert_acknowledge(
            actor=self.tess, alert=Alert.objects.get(kind="risk"), action="safety_plan"
        )
        self.assertNotContains(self.client.get(reverse("caseload")), "risk item endorsed")
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(page, "Risk item endorsed")  # the earlier one is never hidden

    def test_unanswered_risk_item_prompts_to_ask(self) -> None:
        self.record({**PHQ9, 9: None})
        self.login(self.tess)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(page, "risk item not answered")

    def test_proqol_is_not_offered_for_clients(self) -> None:
        self.login(self.tess)
        chooser = self.client.get(reverse("assessment_new", args=[self.tess_episode.pk]))
        codes = [code for code, _label in chooser.context["form"].fields["instrument"].choices]
        self.assertIn("phq9", codes)
        self.assertNotIn("proqol5", codes)


class AmendAssessmentTests(PersonaTestCase):
    def test_correction_keeps_the_original_and_is_audited(self) -> None:
        original = assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=PHQ9,
            taken_on=date(2026, 11, 20),
            submission_key=uuid.uuid4(),
        )
        self.login(self.tess)
        data = phq9_post({**PHQ9, 2: 0})
        data["reason"] = "Item 2 was entered in the wrong row"
        self.client.post(reverse("assessment_amend", args=[original.pk]), data)
        original.refresh_from_db()
        amended = Assessment.objects.get(replaces=original)
        self.assertFalse(original.is_current)
        self.assertEqual((original.total, amended.total), (14, 11))
        event = AuditEvent.objects.get(action="assessment.amend")
        self.assertEqual(event.detail, f'{{"replaces": {original.pk}}}')
        self.assertEqual(amended.amendment_reason, "Item 2 was entered in the wrong row")
        page = self.client.get(reverse("assessment_detail", args=[original.pk]))
        self.assertContains(page, "See the correction")

    def test_correction_needs_a_reason(self) -> None:
        original = assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=PHQ9,
            taken_on=date(2026, 11, 20),
            submission_key=uuid.uuid4(),
        )
        with self.assertRaises(ValidationError):
            assessment_amend(
                actor=self.tess,
                original=original,
                answers=PHQ9,
                taken_on=date(2026, 11, 20),
                reason=" ",
                submission_key=uuid.uuid4(),
            )


class AssessmentAccessTests(PersonaTestCase):
    def setUp(self) -> None:
        self.assessment = assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=PHQ9,
            taken_on=date(2026, 11, 20),
            submission_key=uuid.uuid4(),
        )

    def test_stranger_gets_404(self) -> None:
        self.login(self.otto)
        for url in (
            reverse("assessment_detail", args=[self.assessment.pk]),
            reverse("assessment_amend", args=[self.assessment.pk]),
            reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9",
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertGreaterEqual(self.denied_events(self.otto), 3)

    def test_supervisor_reads_but_cannot_record_or_correct(self) -> None:
        self.login(self.sam)
        detail = self.client.get(reverse("assessment_detail", args=[self.assessment.pk]))
        self.assertContains(detail, "PHQ-9")
        self.assertNotContains(detail, reverse("assessment_amend", args=[self.assessment.pk]))
        amend = self.client.get(reverse("assessment_amend", args=[self.assessment.pk]))
        self.assertEqual(amend.status_code, 404)
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
        self.assertEqual(self.client.post(url, phq9_post(PHQ9)).status_code, 404)
        self.assertEqual(Assessment.objects.count(), 1)

    def test_admin_without_break_glass_gets_404(self) -> None:
        self.login(self.admin)
        url = reverse("assessment_detail", args=[self.assessment.pk])
        self.assertEqual(self.client.get(url).status_code, 404)


class AssessmentModeTests(PersonaTestCase):
    def test_paper_entry_tied_to_an_appointment(self) -> None:
        self.login(self.tess)
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
        data = phq9_post(PHQ9)
        data |= {"mode": "paper", "appointment": str(self.tess_appointment.pk)}
        self.client.post(url, data)
        assessment = Assessment.objects.get()
        self.assertEqual(
            (assessment.mode, assessment.appointment), ("paper", self.tess_appointment)
        )

    def test_appointment_of_another_episode_is_refused(self) -> None:
        other = Appointment.objects.create(episode=self.otto_episode, at="2026-09-02T10:00:00Z")
        self.login(self.tess)
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
        response = self.client.post(url, phq9_post(PHQ9) | {"appointment": str(other.pk)})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Assessment.objects.exists())
