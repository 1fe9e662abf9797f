"""Load a Bundle of QuestionnaireResponses into an existing client's open episode.

Each response is scored by the engine through `assessment_record`, exactly as if it had
been entered by hand. Every resource is checked and every problem reported with the
resource it belongs to; if any resource has a problem, nothing is imported (one
transaction, rolled back). Importing the same Bundle twice stores it once: a response's
identifier (or fullUrl) becomes the assessment's submission key.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from strides.accounts.models import User
from strides.accounts.permissions import Access, writable_episodes
from strides.assessments.models import Assessment, Mode
from strides.assessments.services import assessment_record
from strides.clients.models import Episode
from strides.clients.selectors import client_for_actor
from strides.fhir.export import canonical
from strides.instruments import NOT_APPLICABLE, get_instrument

# Context an exported Bundle carries along: not imported (scores are recomputed).
CONTEXT_TYPES = frozenset({"Patient", "EpisodeOfCare", "Questionnaire", "Observation", "Goal"})
NAMESPACE = uuid.UUID("6f1d7c3e-1a52-4c8e-9a3b-2f7e4b8d9c10")


@dataclass
class ImportReport:
    imported: list[Assessment] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


class BundleRejected(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(f"{len(report.problems)} resource(s) have problems")


def _label(entry: dict[str, Any], position: int) -> str:
    resource = entry.get("resource") or {}
    kind = resource.get("resourceType", "resource")
    name = f"{kind}/{resource['id']}" if resource.get("id") else f"entry {position}"
    return f"{name} (entry {position})" if resource.get("id") else name


def _submission_key(resource: dict[str, Any], entry: dict[str, Any]) -> uuid.UUID:
    identifier = resource.get("identifier") or {}
    value = str(identifier.get("value", ""))
    if value.startswith("urn:uuid:"):
        try:
            return uuid.UUID(value.removeprefix("urn:uuid:"))
        except ValueError:
            pass
    seed = value or entry.get("fullUrl") or resource.get("id") or ""
    return uuid.uuid5(
        NAMESPACE, f"{seed}|{resource.get('questionnaire')}|{resource.get('authored')}"
    )


def _value(answer: dict[str, Any], problems: list[str], link: str) -> int | float | str | None:
    if "valueCoding" in answer:
        code = str((answer["valueCoding"] or {}).get("code", ""))
        if code == NOT_APPLICABLE:
            return NOT_APPLICABLE
        try:
            return int(code)
        except ValueError:
            problems.append(f"item {link}: answer code {code!r} is not one of the instrument's")
            return None
    for key in ("valueInteger", "valueDecimal"):
        if key in answer:
            value = answer[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(f"item {link}: {key} is not a number")
                return None
            return value
    problems.append(f"item {link}: give the answer as valueCoding, valueInteger or valueDecimal")
    return None


def _answers(resource: dict[str, Any], problems: list[str]) -> dict[int, int | float | str | None]:
    answers: dict[int, int | float | str | None] = {}
    for item in resource.get("item") or []:
        link = str(item.get("linkId", ""))
        if not link.isdigit():
            problems.append(f"item {link!r}: linkId is not an item number")
            continue
        given = item.get("answer") or []
        if len(given) > 1:
            problems.append(f"item {link}: more than one answer")
            continue
        answers[int(link)] = _value(given[0], problems, link) if given else None
    return answers


def _parse(
    resource: dict[str, Any], problems: list[str]
) -> tuple[str, date, dict[int, Any]] | None:
    if resource.get("resourceType") != "QuestionnaireResponse":
        problems.append("only QuestionnaireResponse resources are imported")
        return None
    if resource.get("status") not in ("completed", "amended"):
        problems.append("status must be completed (or amended)")
    found = canonical().instrument_code(str(resource.get("questionnaire", "")))
    code = None
    if found is None:
        problems.append("questionnaire is not a Strides instrument's canonical URL")
    else:
        code, version = found
        try:
            instrument = get_instrument(code)
        except KeyError:
            problems.append(f"no instrument {code!r} is installed")
        else:
            if version is not None and version != instrument.version:
                problems.append(
                    f"{code} version {version} is not the installed version {instrument.version}"
                )
    try:
        taken_on = date.fromisoformat(str(resource.get("authored", ""))[:10])
    except ValueError:
        problems.append("authored is missing or not a date")
        taken_on = None
    answers = _answers(resource, problems)
    if code is None or taken_on is None:
        return None
    return code, taken_on, answers


def bundle_import(*, actor: User, client_id: int, bundle: dict[str, Any]) -> ImportReport:
    """Import every QuestionnaireResponse of the Bundle into the client's open episode
    that the actor treats, or nothing at all (`BundleRejected` with the report). A
    client the actor may not change is a 404, audited."""
    client, _access = client_for_actor(
        actor=actor, client_id=client_id, need=Access.WRITE, action="fhir.import"
    )
    report = ImportReport()
    episode = writable_episodes(actor).filter(client=client).order_by("-start").first()
    if bundle.get("resourceType") != "Bundle":
        report.problems["file"] = ["the file is not a FHIR Bundle"]
    if episode is None:
        report.problems["client"] = ["you have no open episode with this client to import into"]
    if not report.ok:
        raise BundleRejected(report)
    assert episode is not None
    with transaction.atomic():
        _import_entries(actor=actor, episode=episode, bundle=bundle, report=report)
    return report


def _import_entries(
    *, actor: User, episode: Episode, bundle: dict[str, Any], report: ImportReport
) -> None:
    for position, entry in enumerate(bundle.get("entry") or [], start=1):
        resource = entry.get("resource") or {}
        if resource.get("resourceType") in CONTEXT_TYPES:
            continue
        problems: list[str] = []
        parsed = _parse(resource, problems)
        if parsed is not None and not problems:
            code, taken_on, answers = parsed
            try:
                with transaction.atomic():
                    report.imported.append(
                        assessment_record(
                            actor=actor,
                            episode=episode,
                            instrument_code=code,
                            answers=answers,
                            taken_on=taken_on,
                            submission_key=_submission_key(resource, entry),
                            mode=Mode.PAPER,
                        )
                    )
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            report.problems[_label(entry, position)] = problems
    if not report.ok:
        report.imported = []
        raise BundleRejected(report)  # leaving the transaction undoes every import
