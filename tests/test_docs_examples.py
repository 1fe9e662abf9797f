"""The examples in docs/api.md and docs/fhir.md, run: each HTTP request against the
test client (its status, headers and the response fields shown), each command with
`call_command`."""

import json
import os
import re
import shlex
import tempfile
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import Client as HttpClient

from strides.alerts.models import Alert
from strides.api.services import token_create
from strides.clients.models import Client, Episode
from strides.goals.models import Goal
from tests.base import PersonaTestCase
from tests.fhir_records import seed_record

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"```(http|http-response|console)\n(.*?)```", re.S)


def blocks(name: str, values: dict[str, str]) -> list[tuple[str, str]]:
    text = (DOCS / name).read_text(encoding="utf-8")

    def fill(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    return [(kind, re.sub(r"\$([A-Z_]+)\b", fill, body)) for kind, body in BLOCK.findall(text)]


def parse_message(text: str) -> tuple[str, dict[str, str], str]:
    head, _blank, body = text.partition("\n\n")
    first, *header_lines = head.splitlines()
    headers = dict(line.split(": ", 1) for line in header_lines)
    return first, headers, body.strip()


def contains(actual: Any, expected: Any) -> bool:
    """Whether `actual` has every field `expected` shows (lists item by item)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and contains(actual[key], value) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) >= len(expected)
            and all(contains(a, e) for a, e in zip(actual, expected, strict=False))
        )
    return bool(actual == expected)


class DocsExamplesTestCase(PersonaTestCase):
    values: dict[str, str]

    def run_examples(self, name: str) -> int:
        ran = 0
        request: tuple[str, dict[str, str], str] | None = None
        response = None
        folder = tempfile.mkdtemp()
        here = os.getcwd()
        os.chdir(folder)
        try:
            for kind, body in blocks(name, self.values):
                if kind == "http":
                    request = parse_message(body)
                    response = self.send(*request)
                    ran += 1
                elif kind == "http-response":
                    assert request is not None and response is not None
                    self.check(request[0], response, *parse_message(body))
                else:
                    for line in body.splitlines():
                        if line.startswith("$ strides "):
                            call_command(
                                *shlex.split(line)[2:], stdout=StringIO(), stderr=StringIO()
                            )
                            ran += 1
        finally:
            os.chdir(here)
        return ran

    def send(self, first: str, headers: dict[str, str], body: str):
        method, path = first.split()[:2]
        content_type = headers.pop("Content-Type", "application/json")
        kwargs: dict[str, Any] = {"headers": headers}
        if body:
            kwargs.update(data=body, content_type=content_type)
        return getattr(HttpClient(), method.lower())(path, **kwargs)

    def check(
        self, request: str, response: Any, first: str, headers: dict[str, str], body: str
    ) -> None:
        status = int(first.split()[1])
        self.assertEqual(response.status_code, status, f"{request}: {response.content[:300]!r}")
        for header, value in headers.items():
            self.assertTrue(response[header].startswith(value), f"{request}: {header}")
        if body:
            actual = json.loads(response.content)
            self.assertTrue(contains(actual, json.loads(body)), f"{request}: {actual}")


class ApiDocsTests(DocsExamplesTestCase):
    def setUp(self) -> None:
        seed_record(therapist=self.tess, episode=self.tess_episode)
        goal = Goal.objects.get(episode=self.tess_episode)
        alert = Alert.objects.filter(episode=self.tess_episode, status="open").first()
        assert alert is not None
        self.values = {
            "TOKEN": token_create(actor=self.tess, user=self.tess, name="docs", write=True)[1],
            "READ_TOKEN": token_create(actor=self.tess, user=self.tess, name="r", write=False)[1],
            "OTTO_TOKEN": token_create(actor=self.otto, user=self.otto, name="o", write=True)[1],
            "CLIENT": str(self.tess_client.pk),
            "EPISODE": str(self.tess_episode.pk),
            "GOAL": str(goal.pk),
            "ALERT": str(alert.pk),
        }

    def test_every_example_in_api_md_runs_as_shown(self) -> None:
        self.assertGreaterEqual(self.run_examples("api.md"), 11)


class FhirDocsTests(DocsExamplesTestCase):
    def setUp(self) -> None:
        seed_record(therapist=self.tess, episode=self.tess_episode)
        newcomer = Client.objects.create(display_name="Sasha Newcomer")
        Episode.objects.create(client=newcomer, therapist=self.tess, start=date(2026, 8, 1))
        self.newcomer = newcomer
        self.values = {
            "TOKEN": token_create(actor=self.tess, user=self.tess, name="docs", write=False)[1],
            "CLIENT": str(self.tess_client.pk),
            "OTHER_CLIENT": str(self.otto_client.pk),
            "NEW_CLIENT": str(newcomer.pk),
        }

    def test_every_example_in_fhir_md_runs_as_shown(self) -> None:
        self.assertGreaterEqual(self.run_examples("fhir.md"), 7)
        imported = self.newcomer.episodes.get().assessments.count()
        self.assertEqual(imported, self.tess_episode.assessments.count())
