"""A client's record as a FHIR R4 Bundle (the `Patient/$everything` operation).

What the actor may read, and only that: the client through `client_for_actor` (404 and
an audited denial otherwise), their readable episodes, and the current assessments and
goals of those episodes. Ids are the database ids; every reference points at an entry
of the same Bundle, and each QuestionnaireResponse names its Questionnaire by canonical
URL and version (`questionnaires.py`).
"""

from typing import Any

from django.conf import settings
from django.utils import timezone

from strides.accounts.models import User
from strides.assessments.models import Assessment
from strides.audit.services import audit_record
from strides.clients.models import Client, Episode
from strides.clients.selectors import client_episodes, client_for_actor
from strides.fhir.questionnaires import (
    LOINC,
    Canonical,
    answer_coding,
    questionnaire,
)
from strides.goals.models import Goal, GoalStatus
from strides.instruments import Instrument, get_instrument

FHIR_JSON = "application/fhir+json"
SUBMISSION_KEY_SYSTEM = "urn:ietf:rfc:3986"


def canonical() -> Canonical:
    return Canonical(settings.STRIDES_FHIR_CANONICAL_BASE)


def _ref(resource_type: str, pk: int | str) -> dict[str, str]:
    return {"reference": f"{resource_type}/{pk}"}


def patient(client: Client) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(client.pk),
        "name": [{"text": client.display_name}],
    }
    telecom = []
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone})
    if telecom:
        resource["telecom"] = telecom
    if client.date_of_birth:
        resource["birthDate"] = client.date_of_birth.isoformat()
    return resource


def episode_of_care(episode: Episode) -> dict[str, Any]:
    period = {"start": episode.start.isoformat()}
    if episode.end:
        period["end"] = episode.end.isoformat()
    return {
        "resourceType": "EpisodeOfCare",
        "id": str(episode.pk),
        "status": "active" if episode.end is None else "finished",
        "patient": _ref("Patient", episode.client_id),
        "period": period,
    }


def _answer(instrument: Instrument, number: int, value: object) -> dict[str, Any]:
    item = instrument.item(number)
    if item.scale is None and isinstance(value, int | str):
        return {"valueCoding": answer_coding(instrument, item, value, canonical())}
    if isinstance(value, float) and not value.is_integer():
        return {"valueDecimal": value}
    assert isinstance(value, int | float)
    return {"valueInteger": int(value)}


def questionnaire_response(assessment: Assessment, instrument: Instrument) -> dict[str, Any]:
    items = []
    for key, value in sorted(assessment.answers.items(), key=lambda pair: int(pair[0])):
        if value is None:
            continue
        number = int(key)
        entry = {"linkId": key, "answer": [_answer(instrument, number, value)]}
        text = instrument.item(number).text
        items.append({**entry, "text": text})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(assessment.pk),
        "identifier": {
            "system": SUBMISSION_KEY_SYSTEM,
            "value": f"urn:uuid:{assessment.submission_key}",
        },
        "questionnaire": (
            f"{canonical().questionnaire(assessment.instrument_code)}|"
            f"{assessment.instrument_version}"
        ),
        "status": "completed",
        "subject": _ref("Patient", assessment.episode.client_id),
        "authored": assessment.taken_on.isoformat(),
    }
    if items:
        resource["item"] = items
    return resource


def total_observation(assessment: Assessment, instrument: Instrument) -> dict[str, Any]:
    urls = canonical()
    if instrument.loinc.total:
        code = {"system": LOINC, "code": instrument.loinc.total}
    else:
        code = {"system": urls.scores(), "code": f"{instrument.code}-total"}
    code["display"] = f"{instrument.name} total score"
    assert assessment.total is not None
    value = assessment.total
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"{assessment.pk}-total",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": {"coding": [code], "text": code["display"]},
        "subject": _ref("Patient", assessment.episode.client_id),
        "effectiveDateTime": assessment.taken_on.isoformat(),
        "valueQuantity": {
            "value": int(value) if float(value).is_integer() else value,
            "unit": "{score}",
            "system": "http://unitsofmeasure.org",
            "code": "{score}",
        },
        "derivedFrom": [_ref("QuestionnaireResponse", assessment.pk)],
    }
    if assessment.band:
        resource["interpretation"] = [
            {
                "coding": [
                    {
                        "system": urls.bands(instrument.code),
                        "code": assessment.band,
                        "display": instrument.band_label(assessment.band),
                    }
                ],
                "text": instrument.band_label(assessment.band),
            }
        ]
    return resource


GOAL_STATUS = {
    GoalStatus.ACTIVE: ("active", None),
    GoalStatus.ACHIEVED: ("completed", "achieved"),
    GoalStatus.CHANGED: ("cancelled", None),
    GoalStatus.DROPPED: ("cancelled", "not-achieved"),
}


def goal(record: Goal) -> dict[str, Any]:
    lifecycle, achievement = GOAL_STATUS[GoalStatus(record.status)]
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": str(record.pk),
        "lifecycleStatus": lifecycle,
        "description": {"text": record.text},
        "subject": _ref("Patient", record.episode.client_id),
        "startDate": record.created_at.date().isoformat(),
    }
    if achievement:
        resource["achievementStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                    "code": achievement,
                }
            ]
        }
    return resource


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": f"{canonical().base}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
        "search": {"mode": "match" if resource["resourceType"] == "Patient" else "include"},
    }


def patient_everything(*, actor: User, client_id: int) -> dict[str, Any]:
    """The Bundle for one client, as the actor may see it; audited as a disclosure."""
    client, _access = client_for_actor(actor=actor, client_id=client_id, action="fhir.export")
    episodes = list(client_episodes(actor=actor, client=client))
    assessments = list(
        Assessment.objects.filter(episode__in=episodes, is_current=True)
        .select_related("episode")
        .order_by("taken_on", "id")
    )
    goals = list(Goal.objects.filter(episode__in=episodes).select_related("episode"))
    resources: list[dict[str, Any]] = [patient(client)]
    resources += [episode_of_care(episode) for episode in episodes]
    instruments: dict[str, Instrument] = {}
    for assessment in assessments:
        code = assessment.instrument_code
        if code not in instruments:
            instruments[code] = get_instrument(code)
            resources.append(questionnaire(instruments[code], canonical()))
    for assessment in assessments:
        instrument = instruments[assessment.instrument_code]
        resources.append(questionnaire_response(assessment, instrument))
        if assessment.total is not None:
            resources.append(total_observation(assessment, instrument))
    resources += [goal(record) for record in goals]
    audit_record(
        actor=actor,
        action="fhir.disclose",
        client=client,
        detail={"resources": len(resources)},
    )
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "meta": {"lastUpdated": timezone.now().isoformat(timespec="seconds")},
        "total": 1,
        "entry": [_entry(resource) for resource in resources],
    }
