"""Blank and partly answered questionnaires: none answered is refused; with items left
unanswered the form says how many and what that means for the total, and saves only
once the person confirms, keeping every answer already given."""

import uuid
from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse

from strides.assessments.models import Assessment
from strides.assessments.services import assessment_record
from tests.base import PersonaTestCase

PHQ9 = {1: 2, 2: 3, 3: 1, 4: 2, 5: 2, 6: 1, 7: 2, 8: 1, 9: 0}


def post_data(answers: Mapping[int, int | None], key: uuid.UUID | None = None) -> dict[str, str]:
    data = {f"item_{n}": "" if v is None else str(v) for n, v in answers.items()}
    return {**data, "taken_on": "2026-11-20", "submission_key": str(key or uuid.uuid4())}


class PartialQuestionnaireTests(PersonaTestCase):
    def setUp(self) -> None:
        self.login(self.tess)
        self.url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"

    def test_none_answered_is_refused(self) -> None:
        response = self.client.post(self.url, post_data(dict.fromkeys(PHQ9)))
        self.assertContains(response, "No item is answered. Answer at least one item, or cancel.")
        self.assertNotContains(response, "Save with")
        self.assertFalse(Assessment.objects.exists())

    def test_the_service_refuses_none_answered(self) -> None:
        with self.assertRaises(ValidationError):
            assessment_record(
                actor=self.tess,
                episode=self.tess_episode,
                instrument_code="phq9",
                answers={10: 1},  # only the unscored difficulty item
                taken_on=date(2026, 11, 20),
                submission_key=uuid.uuid4(),
            )
        self.assertFalse(Assessment.objects.exists())

    def test_one_answered_shows_too_many_missing_and_saves_incomplete_once_confirmed(
        self,
    ) -> None:
        data = post_data({1: 2, **dict.fromkeys(range(2, 10))})
        response = self.client.post(self.url, data)
        self.assertContains(
            response,
            "8 of 9 items are not answered (items 2, 3, 4, 5, 6, 7, 8, 9). That is more than "
            "the 2 this questionnaire allows: it will be stored as incomplete, with no total.",
        )
        self.assertContains(response, 'name="confirm_missing" value="2,3,4,5,6,7,8,9"')
        self.assertContains(response, "Save with 8 items not answered")
        self.assertContains(response, 'value="2" data-risk="false" id="id_item_1_3" checked')
        self.assertContains(response, f'value="{data["submission_key"]}"')
        self.assertFalse(Assessment.objects.exists())
        confirmed = self.client.post(self.url, {**data, "confirm_missing": "2,3,4,5,6,7,8,9"})
        self.assertEqual(confirmed.status_code, 302)
        assessment = Assessment.objects.get()
        self.assertIsNone(assessment.total)
        self.assertIn("incomplete", assessment.flags)
        self.assertEqual(assessment.answers["1"], 2)

    def test_missing_within_the_allowance_says_the_prorated_total(self) -> None:
        data = post_data({**PHQ9, 3: None, 7: None})
        response = self.client.post(self.url, data)
        self.assertContains(
            response,
            "2 of 9 items are not answered (items 3, 7). This questionnaire allows up to 2 "
            "missing items and prorates the total: it will be stored as 14 (prorated).",
        )
        self.assertFalse(Assessment.objects.exists())
        self.client.post(self.url, {**data, "confirm_missing": "3,7"})
        assessment = Assessment.objects.get()
        self.assertEqual(assessment.total, 14)
        self.assertIn("prorated", assessment.flags)

    def test_an_instrument_without_proration_needs_every_item(self) -> None:
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=pcl5"
        answers: dict[int, int | None] = dict.fromkeys(range(1, 21), 1)
        answers[20] = None
        response = self.client.post(url, post_data(answers))
        self.assertContains(
            response,
            "1 of 20 items is not answered (item 20). This questionnaire needs every item for "
            "a total: it will be stored as incomplete, with no total.",
        )
        self.assertFalse(Assessment.objects.exists())

    def test_a_confirmation_covers_only_the_items_it_was_shown(self) -> None:
        # Confirmed with item 3 missing, then item 4 was cleared too: shown again.
        data = post_data({**PHQ9, 3: None, 4: None})
        response = self.client.post(self.url, {**data, "confirm_missing": "3"})
        self.assertContains(response, "2 of 9 items are not answered (items 3, 4)")
        self.assertFalse(Assessment.objects.exists())

    def test_a_complete_form_needs_no_confirmation(self) -> None:
        response = self.client.post(self.url, post_data(PHQ9))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Assessment.objects.get().total, 14)

    def test_a_confirmed_double_submit_stores_one_assessment(self) -> None:
        data = {**post_data({**PHQ9, 3: None}), "confirm_missing": "3"}
        first = self.client.post(self.url, data)
        second = self.client.post(self.url, data)
        self.assertEqual(Assessment.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])

    def test_a_correction_with_unanswered_items_is_confirmed_too(self) -> None:
        original = assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=PHQ9,
            taken_on=date(2026, 11, 20),
            submission_key=uuid.uuid4(),
        )
        url = reverse("assessment_amend", args=[original.pk])
        data = {**post_data({**PHQ9, 5: None}), "reason": "Item 5 was not answered on paper"}
        response = self.client.post(url, data)
        self.assertContains(response, "1 of 9 items is not answered (item 5)")
        self.assertContains(response, "Item 5 was not answered on paper")
        self.assertFalse(Assessment.objects.filter(replaces=original).exists())
        self.client.post(url, {**data, "confirm_missing": "5"})
        amended = Assessment.objects.get(replaces=original)
        self.assertIsNone(amended.answers["5"])
        self.assertIn("prorated", amended.flags)

    def test_a_correction_with_nothing_answered_is_refused(self) -> None:
        original = assessment_record(
            actor=self.tess,
            episode=self.tess_episode,
            instrument_code="phq9",
            answers=PHQ9,
            taken_on=date(2026, 11, 20),
            submission_key=uuid.uuid4(),
        )
        data = {**post_data(dict.fromkeys(PHQ9)), "reason": "Cleared by mistake"}
        response = self.client.post(reverse("assessment_amend", args=[original.pk]), data)
        self.assertContains(response, "No item is answered")
        original.refresh_from_db()
        self.assertTrue(original.is_current)

    def test_a_confirmation_is_kept_when_another_field_is_refused(self) -> None:
        data = {**post_data({**PHQ9, 3: None}), "confirm_missing": "3", "taken_on": "1800-01-01"}
        response = self.client.post(self.url, data)
        self.assertIn("taken_on", response.context["form"].errors)
        self.assertContains(
            response, 'name="confirm_missing" value="3" id="id_confirm_missing" checked'
        )
        self.assertFalse(Assessment.objects.exists())
