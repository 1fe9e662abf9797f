"""FHIR R4 import: a Bundle of QuestionnaireResponses scored by the engine (all or
nothing), and Questionnaires turned into instrument definitions that score the same."""

import json
import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.urls import reverse

from strides.assessments.models import Assessment
from strides.fhir.export import canonical
from strides.fhir.imports import BundleRejected, bundle_import
from strides.fhir.questionnaires import (
    ITEM_WEIGHT,
    QuestionnaireImportError,
    definition_from_questionnaire,
    questionnaire,
)
from strides.instruments import get_instrument, load_file, score, validate_file
from tests.base import PersonaTestCase
from tests.fhir_records import CORE10, PHQ9_FIRST, WSAS, seed_record

ROOT = Path(__file__).resolve().parents[1]


def scores(assessments: object) -> list[tuple[str, str, float | None, str, list[str]]]:
    return sorted(
        (a.instrument_code, a.taken_on.isoformat(), a.total, a.band, sorted(a.flags))
        for a in assessments  # type: ignore[attr-defined]
    )


class BundleImportTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        seed_record(therapist=cls.tess, episode=cls.tess_episode)

    def exported(self) -> dict:
        self.login(self.tess)
        response = self.client.get(reverse("fhir_everything", args=[self.tess_client.pk]))
        return json.loads(response.content)

    def test_round_trip_gives_the_same_scores(self) -> None:
        bundle = self.exported()
        report = bundle_import(actor=self.otto, client_id=self.otto_client.pk, bundle=bundle)
        self.assertEqual(len(report.imported), 5)
        self.assertEqual(
            scores(Assessment.objects.filter(episode=self.otto_episode)),
            scores(Assessment.objects.filter(episode=self.tess_episode)),
        )

    def test_importing_twice_stores_once(self) -> None:
        bundle = self.exported()
        bundle_import(actor=self.otto, client_id=self.otto_client.pk, bundle=bundle)
        bundle_import(actor=self.otto, client_id=self.otto_client.pk, bundle=bundle)
        self.assertEqual(Assessment.objects.filter(episode=self.otto_episode).count(), 5)

    def test_one_bad_resource_imports_nothing_and_is_named(self) -> None:
        bundle = self.exported()
        responses = [
            e for e in bundle["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"
        ]
        bad = responses[2]["resource"]
        bad["item"][0]["answer"] = [{"valueInteger": 9}]
        with self.assertRaises(BundleRejected) as caught:
            bundle_import(actor=self.otto, client_id=self.otto_client.pk, bundle=bundle)
        names = list(caught.exception.report.problems)
        self.assertTrue(any(f"QuestionnaireResponse/{bad['id']}" in name for name in names))
        self.assertTrue(all("QuestionnaireResponse" in name for name in names), names)
        self.assertIn("out of range", " ".join(caught.exception.report.problems[names[0]]))
        self.assertEqual(Assessment.objects.filter(episode=self.otto_episode).count(), 0)

    def test_command_reports_problems_per_resource(self) -> None:
        bundle = self.exported()
        bundle["entry"].append({"resource": {"resourceType": "Appointment", "id": "g1"}})
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bundle.json"
            path.write_text(json.dumps(bundle))
            out = StringIO()
            with self.assertRaisesMessage(CommandError, "Nothing imported"):
                call_command(
                    "fhir",
                    "import",
                    str(path),
                    "--client",
                    str(self.otto_client.pk),
                    "--user",
                    "otto",
                    stdout=out,
                )
        self.assertIn("Appointment/g1", out.getvalue())
        self.assertEqual(Assessment.objects.filter(episode=self.otto_episode).count(), 0)

    def test_stranger_cannot_import_into_someone_elses_client(self) -> None:
        with self.assertRaises(Http404):
            bundle_import(actor=self.otto, client_id=self.tess_client.pk, bundle=self.exported())
        self.assertEqual(self.denied_events(self.otto, action="fhir.import"), 1)

    def test_round_trip_into_a_fresh_database(self) -> None:
        """Export here, then import with the command into a brand-new SQLite database."""
        bundle = self.exported()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bundle.json"
            path.write_text(json.dumps(bundle))
            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("STRIDES_DATABASE_URL", "STRIDES_ENCRYPTION", "STRIDES_AUDIT"))
            }
            env["STRIDES_VAR_DIR"] = str(Path(folder) / "var")
            strides = [str(Path(sys.executable).with_name("strides"))]
            run = lambda *args: subprocess.run(  # noqa: E731
                [*strides, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
            )
            run("migrate", "-v", "0")
            setup = (
                "from datetime import date; from strides.accounts.models import User;"
                "from strides.clients.models import Client, Episode;"
                "u = User.objects.create(username='fresh', role='therapist');"
                "c = Client.objects.create(display_name='Fresh client');"
                "Episode.objects.create(client=c, therapist=u, start=date(2026, 8, 1));"
                "print(c.pk)"
            )
            client_id = run("shell", "-v", "0", "-c", setup).stdout.strip()
            run("fhir", "import", str(path), "--client", client_id, "--user", "fresh")
            listing = (
                "import json; from strides.assessments.models import Assessment;"
                "print(json.dumps(sorted((a.instrument_code, a.taken_on.isoformat(), a.total,"
                " a.band, sorted(a.flags)) for a in Assessment.objects.all())))"
            )
            fresh = json.loads(run("shell", "-v", "0", "-c", listing).stdout)
        here = scores(Assessment.objects.filter(episode=self.tess_episode))
        self.assertEqual([tuple(row) for row in fresh], [tuple(r) for r in here])


class QuestionnaireImportTests(PersonaTestCase):
    def convert(self, code: str) -> tuple[Path, dict[str, dict[str, int]]]:
        resource = questionnaire(get_instrument(code), canonical())
        text, answer_maps = definition_from_questionnaire(resource, code=f"{code}_fhir")
        folder = Path(tempfile.mkdtemp())
        path = folder / f"{code}_fhir.toml"
        path.write_text(text)
        return path, answer_maps

    def test_imported_definition_validates_and_scores_the_same(self) -> None:
        for code, answers in (("phq9", PHQ9_FIRST), ("core10", CORE10), ("wsas", WSAS)):
            with self.subTest(code):
                path, answer_maps = self.convert(code)
                self.assertEqual(validate_file(path), [])
                imported = load_file(path)
                # A response is recorded with each answer code's score in the FHIR file.
                recorded = {
                    n: (v if v == "not_applicable" else answer_maps[str(n)][str(v)])
                    for n, v in answers.items()
                }
                mine, shipped = score(imported, recorded), score(code, answers)
                self.assertEqual((mine.total, mine.band), (shipped.total, shipped.band))

    def test_the_command_writes_a_file_instruments_validate_accepts(self) -> None:
        resource = questionnaire(get_instrument("gad7"), canonical())
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "gad7.json"
            source.write_text(json.dumps(resource))
            target = Path(folder) / "gad7_copy.toml"
            call_command(
                "fhir",
                "import-questionnaire",
                str(source),
                "--out",
                str(target),
                "--code",
                "gad7_copy",
                stderr=StringIO(),
            )
            out = StringIO()
            call_command("instruments", "validate", str(target), stdout=out)
        self.assertIn("valid (gad7_copy, 7 items)", out.getvalue())

    def test_sdc_item_weight_on_the_coding(self) -> None:
        foreign = {
            "resourceType": "Questionnaire",
            "name": "MoodCheck",
            "status": "active",
            "item": [
                {
                    "linkId": f"q{n}",
                    "text": f"Made-up question {n}",
                    "type": "choice",
                    "answerOption": [
                        {
                            "valueCoding": {
                                "code": code,
                                "display": code,
                                "extension": [{"url": ITEM_WEIGHT, "valueDecimal": weight}],
                            }
                        }
                        for code, weight in (("never", 0), ("sometimes", 1), ("often", 2))
                    ],
                }
                for n in (1, 2)
            ],
        }
        text, answer_maps = definition_from_questionnaire(foreign, direction="lower")
        folder = Path(tempfile.mkdtemp())
        path = folder / "moodcheck.toml"
        path.write_text(text)
        self.assertEqual(validate_file(path), [])
        self.assertEqual(answer_maps["1"], {"never": 0, "sometimes": 1, "often": 2})
        self.assertEqual(score(load_file(path), {1: 2, 2: 1}).total, 3)

    def test_without_scores_or_direction_it_says_what_is_missing(self) -> None:
        bare = {"resourceType": "Questionnaire", "status": "active", "item": []}
        with self.assertRaises(QuestionnaireImportError) as caught:
            definition_from_questionnaire(bare)
        self.assertEqual(len(caught.exception.problems), 2)
