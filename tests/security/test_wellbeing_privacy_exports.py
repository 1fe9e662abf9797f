"""A therapist's own side never leaves through the ways data leaves Strides: the REST API,
FHIR, CSV exports and PDF reports (for every persona who may use them), nor the audit
trail's detail. The pages and the raw database are covered in test_wellbeing_privacy."""

import io
from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse
from pypdf import PdfReader

from strides.api.services import token_create
from strides.audit.models import AuditEvent
from strides.milestones.services import milestone_celebrate, milestone_record
from strides.wellbeing.services import checkin_record, moment_write
from tests.base import PersonaTestCase
from tests.test_wellbeing import proqol_answers

MOMENT_TEXT = "zqexportmarker what helped was the walk"
API_LISTS = ["clients", "episodes", "appointments", "assessments", "goals", "milestones", "alerts"]


@time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False)
class OwnSideLeavesNoWayOutTests(PersonaTestCase):
    def setUp(self) -> None:
        milestone = milestone_record(
            actor=self.tess,
            episode=self.tess_episode,
            summary="back at work",
            occurred_on=date(2026, 11, 20),
        )
        milestone_celebrate(actor=self.tess, milestone=milestone)
        moment_write(actor=self.tess, text=MOMENT_TEXT, milestone=milestone)
        checkin_record(actor=self.tess, answers=proqol_answers(cs=1, bo=5, sts=5))

    def assert_no_own_side(self, text: str, where: str) -> None:
        for needle in (MOMENT_TEXT, "zqexportmarker", "proqol", "ProQOL", "burnout"):
            self.assertNotIn(needle, text, f"{where} holds {needle!r}")

    def test_the_api_holds_none_of_it_for_the_therapist_herself(self) -> None:
        _token, raw = token_create(actor=self.tess, user=self.tess, name="t", write=False)
        checked = 0
        for name in API_LISTS:
            response = self.client.get(f"/api/v1/{name}", HTTP_AUTHORIZATION=f"Bearer {raw}")
            self.assertEqual(response.status_code, 200, name)
            self.assert_no_own_side(response.content.decode(), f"/api/v1/{name}")
            checked += 1
        schema = self.client.get("/api/v1/openapi.json").content.decode()
        self.assertNotIn("wellbeing", schema.lower())
        print(f"API: {checked} lists and the schema hold no own-side data")

    def test_fhir_holds_none_of_it(self) -> None:
        self.login(self.tess)
        url = reverse("fhir_everything", args=[self.tess_client.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        bundle = response.content.decode()
        self.assertIn('"resourceType": "Bundle"', bundle.replace('":"', '": "'))
        self.assert_no_own_side(bundle, "the FHIR Bundle")

    def test_csv_exports_hold_none_of_it_for_therapist_or_supervisor(self) -> None:
        checked = 0
        for user in (self.tess, self.sam):
            self.login(user)
            for kind in ("assessments", "episodes"):
                response = self.client.get(reverse(f"export_{kind}"))
                self.assertEqual(response.status_code, 200, (user, kind))
                body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
                self.assert_no_own_side(body, f"{kind} export of {user}")
                checked += 1
        print(f"CSV: {checked} exports hold no own-side data")

    def test_pdf_reports_hold_none_of_it_for_any_audience(self) -> None:
        self.login(self.tess)
        for audience in ("client", "record", "supervision"):
            url = reverse("report_pdf", args=[self.tess_episode.pk]) + f"?audience={audience}"
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, audience)
            reader = PdfReader(io.BytesIO(response.content))
            text = "\n".join(page.extract_text() for page in reader.pages)
            self.assertIn("back at work", text)  # the milestone itself is in the report
            self.assert_no_own_side(text, f"the {audience} report")

    def test_the_audit_trail_detail_holds_none_of_it(self) -> None:
        self.login(self.tess)
        self.client.get("/impact/")
        self.client.get("/wellbeing/")
        details = " ".join(str(e.detail) for e in AuditEvent.objects.all())
        self.assert_no_own_side(details, "the audit trail")
