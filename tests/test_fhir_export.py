"""FHIR R4 export: a client's record as a Patient/$everything Bundle that is valid R4
(fhir.resources models and the official JSON Schema), keeps its references inside the
Bundle, and follows the one access rule."""

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from strides.api.services import token_create
from strides.assessments.models import Assessment
from strides.audit.models import AuditEvent
from tests.base import PersonaTestCase
from tests.fhir_checks import bundle_problems, invariant_errors, model_errors, schema_errors
from tests.fhir_records import seed_record


class FhirExportTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        seed_record(therapist=cls.tess, episode=cls.tess_episode)

    def everything(self, client_id: int, **headers: str):
        url = reverse("fhir_everything", args=[client_id])
        return self.client.get(url, headers=headers)

    def bundle(self) -> dict:
        self.login(self.tess)
        response = self.everything(self.tess_client.pk)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/fhir+json"))
        return json.loads(response.content)

    def resources(self, bundle: dict, kind: str) -> list[dict]:
        return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]

    def test_bundle_is_valid_r4_both_ways_with_resolving_references(self) -> None:
        bundle = self.bundle()
        self.assertEqual(bundle_problems(bundle), [])
        kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
        self.assertEqual(
            kinds,
            {
                "Patient",
                "EpisodeOfCare",
                "Questionnaire",
                "QuestionnaireResponse",
                "Observation",
                "Goal",
            },
        )

    def test_checks_can_fail(self) -> None:
        bundle = self.bundle()
        observation = self.resources(bundle, "Observation")[0]
        observation["status"] = "done"
        observation["dataAbsentReason"] = {"text": "asked"}
        self.assertTrue(schema_errors(observation))
        self.assertIn("obs-6", invariant_errors(observation))
        response = self.resources(bundle, "QuestionnaireResponse")[0]
        response["item"][0]["item"] = [{"linkId": "x"}]
        response["item"][0]["answer"][0]["item"] = [{"linkId": "y"}]
        self.assertTrue(any("qrs-1" in p for p in invariant_errors(response)))
        patient = self.resources(bundle, "Patient")[0]
        patient["contact"] = [{"gender": "other"}]
        self.assertIn("pat-1", invariant_errors(patient))
        response["subject"] = {"reference": "Patient/999999"}
        self.assertTrue(any("not in the Bundle" in p for p in bundle_problems(bundle)))

    def test_questionnaires_have_canonical_urls_and_loinc_codes(self) -> None:
        questionnaires = {q["id"]: q for q in self.resources(self.bundle(), "Questionnaire")}
        phq9 = questionnaires["phq9-1"]
        self.assertEqual(phq9["url"], "https://strides.example.org/fhir/Questionnaire/phq9")
        self.assertEqual(phq9["version"], "1")
        self.assertEqual(phq9["code"], [{"system": "http://loinc.org", "code": "44249-1"}])
        self.assertNotIn("code", questionnaires["core10-1"])
        # CORE-10 item 2 is positively worded: its weights run 4 down to 0.
        item2 = next(i for i in questionnaires["core10-1"]["item"] if i["linkId"] == "2")
        weights = [o["extension"][0]["valueDecimal"] for o in item2["answerOption"]]
        self.assertEqual(weights, [4, 3, 2, 1, 0])
        # The PHQ-9 difficulty question is asked but not scored: no weights.
        item10 = next(i for i in phq9["item"] if i["linkId"] == "10")
        self.assertTrue(all("extension" not in o for o in item10["answerOption"]))

    def test_responses_and_total_observations(self) -> None:
        bundle = self.bundle()
        responses = self.resources(bundle, "QuestionnaireResponse")
        observations = {
            o["derivedFrom"][0]["reference"]: o for o in self.resources(bundle, "Observation")
        }
        self.assertEqual(
            len(responses), Assessment.objects.filter(episode=self.tess_episode).count()
        )
        for response in responses:
            stored = Assessment.objects.get(pk=response["id"])
            observation = observations[f"QuestionnaireResponse/{stored.pk}"]
            self.assertEqual(observation["valueQuantity"]["value"], stored.total)
            if stored.band:
                self.assertEqual(observation["interpretation"][0]["coding"][0]["code"], stored.band)
        phq9 = next(
            o
            for o in observations.values()
            if o["effectiveDateTime"] == "2026-09-08"
            and o["code"]["coding"][0]["code"] == "44261-6"
        )
        self.assertEqual(phq9["valueQuantity"]["value"], 15)
        self.assertEqual(phq9["interpretation"][0]["coding"][0]["code"], "moderately_severe")
        wsas = next(r for r in responses if r["questionnaire"].endswith("/wsas|1"))
        self.assertEqual(wsas["item"][0]["answer"][0]["valueCoding"]["code"], "not_applicable")
        self.assertEqual(wsas["item"][1]["answer"][0]["valueCoding"]["code"], "4")

    def test_goal_in_the_clients_words(self) -> None:
        goals = self.resources(self.bundle(), "Goal")
        self.assertEqual(goals[0]["description"]["text"], "Walk to the corner shop on my own")
        self.assertEqual(goals[0]["lifecycleStatus"], "active")

    def test_export_is_audited_as_a_disclosure(self) -> None:
        self.bundle()
        self.assertTrue(
            AuditEvent.objects.filter(
                actor=self.tess, action="fhir.disclose", client=self.tess_client
            ).exists()
        )

    def test_stranger_gets_404_and_a_denied_audit_event(self) -> None:
        self.login(self.otto)
        response = self.everything(self.tess_client.pk)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(json.loads(response.content)["resourceType"], "OperationOutcome")
        self.assertEqual(self.denied_events(self.otto, action="fhir.export"), 1)

    def test_supervisor_reads_and_anonymous_is_401(self) -> None:
        self.login(self.sam)
        self.assertEqual(self.everything(self.tess_client.pk).status_code, 200)
        self.client.logout()
        self.assertEqual(self.everything(self.tess_client.pk).status_code, 401)

    def test_bearer_token_works_and_follows_the_rule(self) -> None:
        _token, raw = token_create(actor=self.tess, user=self.tess, name="export", write=False)
        ok = self.everything(self.tess_client.pk, Authorization=f"Bearer {raw}")
        self.assertEqual(ok.status_code, 200)
        _token, otto_raw = token_create(actor=self.otto, user=self.otto, name="x", write=False)
        denied = self.everything(self.tess_client.pk, Authorization=f"Bearer {otto_raw}")
        self.assertEqual(denied.status_code, 404)

    def test_capability_statement_names_fhir_4_0_1(self) -> None:
        response = self.client.get(reverse("fhir_metadata"))
        statement = json.loads(response.content)
        self.assertEqual(statement["fhirVersion"], "4.0.1")
        self.assertEqual(model_errors(statement), [])

    def test_command_writes_the_same_bundle(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "bundle.json"
            call_command(
                "fhir",
                "export",
                "--client",
                str(self.tess_client.pk),
                "--user",
                "tess",
                "--out",
                str(out),
                stderr=StringIO(),
            )
            bundle = json.loads(out.read_text())
        self.assertEqual(bundle_problems(bundle), [])
        self.assertEqual(len(bundle["entry"]), len(self.bundle()["entry"]))
        with self.assertRaises(CommandError):
            call_command("fhir", "export", "--client", str(self.tess_client.pk), "--user", "otto")
