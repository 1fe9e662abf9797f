"""Schemathesis against /api/v1/openapi.json with a read-write token of tess: for every
operation, generated valid and invalid requests get no 5xx, no status the schema does
not list, and no response that breaks the schema. Bounded to a couple of minutes."""

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from strides.api.services import token_create
from tests.base import PersonaTestCase
from tests.fhir_records import seed_record

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}


class SchemathesisTests(PersonaTestCase):
    token: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        seed_record(therapist=cls.tess, episode=cls.tess_episode)
        seed_record(therapist=cls.otto, episode=cls.otto_episode)
        cls.token = token_create(actor=cls.tess, user=cls.tess, name="fuzz", write=True)[1]

    def setUp(self) -> None:
        # Like Django's test client: a request must not close the test's connection (on
        # PostgreSQL that would end the transaction the test runs in).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        self.addCleanup(request_started.connect, close_old_connections)
        self.addCleanup(request_finished.connect, close_old_connections)

    def test_the_api_keeps_to_its_schema(self) -> None:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        headers = {"Authorization": f"Bearer {self.token}"}
        operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
        self.assertGreaterEqual(len(operations), 19)
        for operation in operations:
            for mode, examples in EXAMPLES.items():

                @settings(
                    max_examples=examples,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                    derandomize=True,
                )
                @given(case=operation.as_strategy(generation_mode=mode))
                def run(case: schemathesis.Case) -> None:
                    case.call_and_validate(headers=headers, checks=CHECKS)

                with self.subTest(operation=operation.label, mode=mode.value):
                    run()
