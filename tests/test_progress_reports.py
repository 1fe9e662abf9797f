"""PDF progress reports: three audiences, tagged PDF/UA-1, the one access rule, audited."""

import base64
import io
import json
import tempfile
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject
from weasyprint.text.ffi import harfbuzz_subset

from strides.accounts.models import User
from strides.assessments.services import assessment_record
from strides.audit.models import AuditEvent
from strides.clients.models import Appointment
from strides.clients.services import break_glass_open, episode_end
from strides.goals.services import goal_create, goal_rate
from strides.instruments import get_instrument
from strides.notes.services import note_save
from strides.reports.audiences import pseudonym
from strides.reports.pdf import refusing_fetcher, svg_image
from tests.base import PersonaTestCase, phq9_answers

NOTE = "Spoke about the quarrel with Quentin at the bakery"
GOAL = "Walk to the lighthouse with my sister every Sunday"


def gad7_answers(total: int) -> dict[int, int | None]:
    answers: dict[int, int | None] = {i: 0 for i in range(1, 8)}
    for i in range(total):
        answers[1 + i % 7] = (answers[1 + i % 7] or 0) + 1
    return answers


class ProgressReportTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        client = cls.tess_client
        client.date_of_birth = date(1987, 3, 14)
        client.email = "robin.tessclient@example.org"
        client.phone = "+44 7700 900123"
        client.save()
        episode = cls.tess_episode
        for day in (date(2026, 9, 15), date(2026, 9, 29), date(2026, 10, 13)):
            Appointment.objects.create(
                episode=episode, at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
                status="attended",
            )  # fmt: skip
        for day, phq9, gad7 in (
            (date(2026, 9, 1), 18, 12),
            (date(2026, 9, 29), 12, 9),
            (date(2026, 10, 13), 6, 4),
        ):
            for code, answers in (("phq9", phq9_answers(phq9)), ("gad7", gad7_answers(gad7))):
                assessment_record(
                    actor=cls.tess, episode=episode, instrument_code=code, answers=answers,
                    taken_on=day, submission_key=uuid.uuid4(),
                )  # fmt: skip
        goal = goal_create(actor=cls.tess, episode=episode, text=GOAL, submission_key=uuid.uuid4())
        for day, rating in ((date(2026, 9, 1), "3"), (date(2026, 10, 13), "7")):
            goal_rate(
                actor=cls.tess, goal=goal, rating=Decimal(rating), rated_on=day,
                submission_key=uuid.uuid4(),
            )  # fmt: skip
        note_save(actor=cls.tess, appointment=cls.tess_appointment, text=NOTE, base_version=0)
        episode_end(actor=cls.tess, episode=episode, end=date(2026, 10, 14), end_reason="planned")

    def pdf(self, audience: str, user: User | None = None) -> PdfReader:
        self.login(user or self.tess)
        response = self.client.get(self.url(audience))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        return PdfReader(io.BytesIO(response.content))

    def url(self, audience: str) -> str:
        return reverse("report_pdf", args=[self.tess_episode.pk]) + f"?audience={audience}"

    @staticmethod
    def text(reader: PdfReader) -> str:
        return " ".join((page.extract_text() or "") for page in reader.pages)

    def test_record_pdf_contains_the_scores_bands_and_change_categories(self) -> None:
        text = self.text(self.pdf("record"))
        phq9 = get_instrument("phq9")
        for label in (phq9.band_label("moderately_severe"), phq9.band_label("mild")):
            self.assertIn(label, text)
        for score in ("18", "12", "6"):
            self.assertIn(score, text)
        self.assertIn("PHQ-9", text)
        self.assertIn("GAD-7", text)
        self.assertIn("recovered", text)  # the clinical-significance category
        self.assertIn("NHS Talking Therapies", text)
        self.assertIn(GOAL, text)  # goals in the client's words, decrypted
        self.assertIn(NOTE, text)  # the record holds the session notes
        self.assertIn("Robin Tessclient", text)
        self.assertIn("14 March 1987", text)

    def test_pdf_is_tagged_with_a_title_and_a_language(self) -> None:
        reader = self.pdf("client")
        root = reader.trailer["/Root"].get_object()
        assert isinstance(root, DictionaryObject)
        self.assertIn("/StructTreeRoot", root)
        mark_info = root["/MarkInfo"].get_object()
        assert isinstance(mark_info, DictionaryObject)
        self.assertTrue(mark_info["/Marked"])
        self.assertEqual(str(root["/Lang"]), "en")
        self.assertIsNotNone(reader.metadata)
        assert reader.metadata is not None
        self.assertEqual(
            reader.metadata.title,
            "Progress report: Robin Tessclient, episode from 01 September 2026",
        )
        self.assertIn(
            b"pdfuaid", reader.xmp_metadata.stream.get_data() if reader.xmp_metadata else b""
        )

    def test_each_chart_is_a_figure_named_by_its_title(self) -> None:
        root = self.pdf("record").trailer["/Root"].get_object()
        assert isinstance(root, DictionaryObject)
        figures: list[str] = []
        pending = [root["/StructTreeRoot"].get_object()]
        while pending:
            node = pending.pop()
            if isinstance(node, ArrayObject):
                pending.extend(kid.get_object() for kid in node)
            elif isinstance(node, DictionaryObject):
                if node.get("/S") == "/Figure":
                    figures.append(str(node["/Alt"]))
                if "/K" in node:
                    pending.append(node["/K"].get_object())
        self.assertEqual(sorted(figures), ["GAD-7", "Goal ratings", "PHQ-9"])

    def test_a_chart_image_carries_its_own_drawing_and_title(self) -> None:
        svg = '<svg xmlns="http://www.w3.org/2000/svg"><title>PHQ-9 &amp; more</title></svg>'
        for drawing, alt in (
            (svg, "PHQ-9 &amp; more"),
            (svg.replace("PHQ", "GAD"), "GAD-9 &amp; more"),
        ):
            image = svg_image(drawing)
            self.assertIn(f'alt="{alt}"', image)
            source = image.split('src="data:image/svg+xml;base64,', 1)[1].split('"', 1)[0]
            self.assertEqual(base64.b64decode(source).decode(), drawing)

    def test_pdfs_subset_fonts_with_harfbuzz(self) -> None:
        # Without it WeasyPrint falls back to fontTools, about half a second per report.
        self.assertIsNotNone(harfbuzz_subset, "apt-get install libharfbuzz-subset0")

    def test_supervision_pdf_has_no_name_birth_date_or_contact(self) -> None:
        self.login(self.tess)
        raw = self.client.get(self.url("supervision")).content
        reader = PdfReader(io.BytesIO(raw))
        text = self.text(reader) + str(reader.metadata)
        for forbidden in (
            "Robin", "Tessclient", "1987", "14 March", "robin.tessclient", "example.org",
            "7700", "900123",
        ):  # fmt: skip
            self.assertNotIn(forbidden, text)
            self.assertNotIn(forbidden.encode(), raw)
        self.assertIn(pseudonym(self.tess_client.pk), text)
        self.assertIn("Moderately severe", text)
        self.assertNotIn(NOTE, text)

    def test_a_report_loads_no_url(self) -> None:
        for url in ("http://example.org/pixel.png", "file:///etc/passwd", "https://example.org"):
            with self.assertRaisesMessage(ValueError, "disallowed protocol"):
                refusing_fetcher()(url)

    def test_a_report_reads_data_urls_its_charts_are_in(self) -> None:
        self.assertEqual(refusing_fetcher()("data:text/plain,inline").read(), b"inline")

    def test_the_pseudonym_is_stable_and_differs_between_clients(self) -> None:
        self.assertEqual(pseudonym(self.tess_client.pk), pseudonym(self.tess_client.pk))
        self.assertNotEqual(pseudonym(self.tess_client.pk), pseudonym(self.otto_client.pk))

    @override_settings(STRIDES_CLIENT_HIDDEN_INSTRUMENTS=["gad7"])
    def test_client_pdf_has_no_notes_and_no_hidden_measures(self) -> None:
        text = self.text(self.pdf("client"))
        self.assertIn("PHQ-9", text)
        self.assertIn(GOAL, text)
        self.assertNotIn("GAD", text)
        self.assertNotIn(NOTE, text)
        self.assertNotIn("Session notes", text)
        self.assertNotIn("robin.tessclient", text)

    def test_record_pdf_keeps_the_measure_a_client_report_hides(self) -> None:
        with override_settings(STRIDES_CLIENT_HIDDEN_INSTRUMENTS=["gad7"]):
            self.assertIn("GAD-7", self.text(self.pdf("record")))

    def test_stranger_gets_404(self) -> None:
        self.login(self.otto)
        for audience in ("client", "record", "supervision"):
            self.assertEqual(self.client.get(self.url(audience)).status_code, 404)
        self.assertEqual(self.denied_events(self.otto, action="report.open"), 3)
        self.assertFalse(AuditEvent.objects.filter(action="report.disclose").exists())

    def test_unknown_audience_is_404(self) -> None:
        self.login(self.tess)
        self.assertEqual(self.client.get(self.url("insurer")).status_code, 404)

    def test_supervisor_gets_the_supervision_report_only(self) -> None:
        text = self.text(self.pdf("supervision", user=self.sam))
        self.assertIn(pseudonym(self.tess_client.pk), text)
        self.login(self.sam)
        for audience in ("client", "record"):
            self.assertEqual(self.client.get(self.url(audience)).status_code, 404)
        self.assertEqual(self.denied_events(self.sam, action="report.open"), 2)

    def test_admin_without_break_glass_gets_404(self) -> None:
        self.login(self.admin)
        self.assertEqual(self.client.get(self.url("record")).status_code, 404)

    def test_admin_with_break_glass_gets_the_record_only(self) -> None:
        break_glass_open(
            actor=self.admin, client=self.tess_client, reason="Records request from the court"
        )
        self.assertIn(NOTE, self.text(self.pdf("record", user=self.admin)))
        for audience in ("client", "supervision"):
            self.assertEqual(self.client.get(self.url(audience)).status_code, 404)

    def test_an_episode_without_measures_says_so(self) -> None:
        self.login(self.otto)
        url = reverse("report_pdf", args=[self.otto_episode.pk]) + "?audience=record"
        text = self.text(PdfReader(io.BytesIO(self.client.get(url).content)))
        self.assertIn("No questionnaires have been completed in this episode yet.", text)
        self.assertIn("No goals were set in this episode.", text)

    def test_a_report_is_audited_as_a_disclosure_with_ids_only(self) -> None:
        self.pdf("client")
        event = AuditEvent.objects.get(action="report.disclose")
        self.assertEqual(event.actor, self.tess)
        self.assertEqual(event.client, self.tess_client)
        self.assertEqual(event.object_id, str(self.tess_episode.pk))
        detail = json.loads(event.detail)
        self.assertEqual(detail["audience"], "client")
        self.assertEqual(detail["episode"], self.tess_episode.pk)
        for content in ("Robin", GOAL, NOTE, "Moderately"):
            self.assertNotIn(content, event.detail)

    def test_client_page_links_to_the_reports_the_actor_may_make(self) -> None:
        self.login(self.tess)
        page = self.client.get(
            reverse("client_detail", args=[self.tess_client.pk])
        ).content.decode()
        for audience in ("client", "record", "supervision"):
            self.assertIn(self.url(audience).replace("&", "&amp;"), page)
        self.login(self.sam)
        page = self.client.get(
            reverse("client_detail", args=[self.tess_client.pk])
        ).content.decode()
        self.assertIn(self.url("supervision"), page)
        self.assertNotIn(self.url("record"), page)

    def test_report_command_writes_the_pdf_for_a_reader_only(self) -> None:
        out = Path(self.enterContext(tempfile.TemporaryDirectory())) / "report.pdf"
        call_command(
            "report", episode=self.tess_episode.pk, audience="supervision", out=out,
            user="sam", stdout=io.StringIO(),
        )  # fmt: skip
        self.assertIn(pseudonym(self.tess_client.pk), self.text(PdfReader(out)))
        with self.assertRaises(CommandError):
            call_command(
                "report", episode=self.tess_episode.pk, audience="record", out=out, user="otto",
            )  # fmt: skip
