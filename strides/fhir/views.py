"""FHIR R4 endpoints: `Patient/{id}/$everything` and the server's CapabilityStatement.

Signed-in staff use their session; programs send a personal access token as
`Authorization: Bearer`. Either way the one access rule decides what is in the Bundle,
and a client the caller may not see is a 404 (an OperationOutcome), audited.
"""

import json
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from strides.accounts.models import User
from strides.api.selectors import bearer_token
from strides.fhir.export import FHIR_JSON, patient_everything
from strides.fhir.questionnaires import FHIR_VERSION

CONTENT_TYPE = f"{FHIR_JSON}; fhirVersion=4.0; charset=utf-8"


def _fhir(body: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )


def _outcome(code: str, text: str, status: int) -> HttpResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }
    return _fhir(body, status)


def _caller(request: HttpRequest) -> User | None:
    token = bearer_token(request)
    if token is not None:
        return token.user
    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    assert isinstance(user, User)
    return user


@require_GET
def everything(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = _caller(request)
    if actor is None:
        return _outcome("login", "Sign in, or send a personal access token as Bearer.", 401)
    try:
        bundle = patient_everything(actor=actor, client_id=client_id)
    except Http404:
        return _outcome("not-found", f"Patient/{client_id} is not known.", 404)
    return _fhir(bundle)


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    return _fhir(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-12-01",
            "kind": "instance",
            "software": {"name": "Strides"},
            "implementation": {"description": "Strides FHIR R4 export"},
            "fhirVersion": FHIR_VERSION,
            "format": ["json"],
            "rest": [
                {
                    "mode": "server",
                    "resource": [
                        {
                            "type": "Patient",
                            "operation": [
                                {
                                    "name": "everything",
                                    "definition": (
                                        "http://hl7.org/fhir/OperationDefinition/Patient-everything"
                                    ),
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    )
