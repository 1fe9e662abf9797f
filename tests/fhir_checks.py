"""Checks every exported FHIR resource must pass: the fhir.resources R4B models, the
official R4 JSON Schema (tests/fixtures/fhir), and the invariants that bite in practice."""

import importlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_FILE = Path(__file__).parent / "fixtures" / "fhir" / "fhir.schema.json"


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def _validator(resource_type: str) -> jsonschema.Draft6Validator:
    schema = {
        "$schema": "http://json-schema.org/draft-06/schema#",
        "$ref": f"#/definitions/{resource_type}",
        "definitions": _schema()["definitions"],
    }
    return jsonschema.Draft6Validator(schema)


def schema_errors(resource: dict[str, Any]) -> list[str]:
    validator = _validator(resource["resourceType"])
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(resource)
    ]


def model_errors(resource: dict[str, Any]) -> list[str]:
    kind = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    try:
        getattr(module, kind).model_validate(resource)
    except ValueError as error:
        return [str(error)]
    return []


def qrs_1(items: list[dict[str, Any]]) -> list[str]:
    """qrs-1: a nested item can't be beneath both item and answer."""
    problems = []
    for item in items:
        nested_in_answer = any("item" in answer for answer in item.get("answer", []))
        if nested_in_answer and "item" in item:
            problems.append(f"item {item.get('linkId')}: qrs-1")
        problems += qrs_1(item.get("item", []))
        for answer in item.get("answer", []):
            problems += qrs_1(answer.get("item", []))
    return problems


def invariant_errors(resource: dict[str, Any]) -> list[str]:
    kind = resource["resourceType"]
    problems: list[str] = []
    if kind == "QuestionnaireResponse":
        problems += qrs_1(resource.get("item", []))
    if kind == "Observation":
        # obs-6: dataAbsentReason SHALL only be present if value[x] is not present.
        has_value = any(key.startswith("value") for key in resource)
        if "dataAbsentReason" in resource and has_value:
            problems.append("obs-6")
        if not has_value and "dataAbsentReason" not in resource and "component" not in resource:
            problems.append("an Observation of a score without a value")
    if kind == "Patient":
        # pat-1: SHALL at least contain a contact's details or a reference to an organization.
        for contact in resource.get("contact", []):
            if not any(key in contact for key in ("name", "telecom", "address", "organization")):
                problems.append("pat-1")
    return problems


def _references(value: Any) -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            found.append(value["reference"])
        for inner in value.values():
            found += _references(inner)
    elif isinstance(value, list):
        for inner in value:
            found += _references(inner)
    return found


def bundle_problems(bundle: dict[str, Any]) -> list[str]:
    """Everything wrong with a Bundle: schema, models, invariants, dangling references."""
    problems = [f"Bundle: {e}" for e in schema_errors(bundle)]
    problems += [f"Bundle: {e}" for e in model_errors(bundle)]
    present = set()
    canonicals = set()
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        name = f"{resource['resourceType']}/{resource['id']}"
        present.add(name)
        if not entry.get("fullUrl", "").endswith("/" + name):
            problems.append(f"{name}: fullUrl does not end with its type and id")
        if resource["resourceType"] == "Questionnaire":
            canonicals.add(f"{resource['url']}|{resource['version']}")
        problems += [f"{name}: {e}" for e in schema_errors(resource)]
        problems += [f"{name}: {e}" for e in model_errors(resource)]
        problems += [f"{name}: {e}" for e in invariant_errors(resource)]
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        name = f"{resource['resourceType']}/{resource['id']}"
        for reference in _references(resource):
            if reference not in present:
                problems.append(f"{name}: reference {reference} is not in the Bundle")
        is_response = resource["resourceType"] == "QuestionnaireResponse"
        if is_response and resource["questionnaire"] not in canonicals:
            problems.append(f"{name}: questionnaire {resource['questionnaire']} not in Bundle")
    return problems
