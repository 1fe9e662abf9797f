"""Instrument definitions as FHIR R4 Questionnaires, and back.

Export: one Questionnaire per instrument and version, at a canonical URL under the
practice's base (`STRIDES_FHIR_CANONICAL_BASE`). Each answer option is a Coding in the
instrument's own code system (the code is the value recorded on the form) carrying the
score it adds to the total as the R4 `ordinalValue` extension, so another system can
score a response without knowing Strides. Supplementary, unscored questions have no
weights.

Import: a Questionnaire whose options carry scores (`ordinalValue`, or the SDC
`itemWeight` extension, on the option or on its Coding) becomes an instrument definition
file (TOML). The option's score is the value recorded for it, so reverse keying already
lives in the weights. A Questionnaire exported by Strides also carries, in Strides'
own extensions, which way is better, how missing answers are scored and the bands;
what it does not carry (cut-offs, reliable change, risk items) the practice adds from the
manual and checks before use.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from strides.instruments import NOT_APPLICABLE, Instrument, Item
from strides.instruments.definition import as_number

FHIR_VERSION = "4.0.1"
LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
WEIGHT_URLS = (ORDINAL_VALUE, ITEM_WEIGHT)


def _fhir_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]", "-", text)[:64]


@dataclass(frozen=True, slots=True)
class Canonical:
    """The URLs Strides publishes under one base."""

    base: str

    def questionnaire(self, code: str) -> str:
        return f"{self.base}/Questionnaire/{code}"

    def answers(self, code: str) -> str:
        return f"{self.base}/CodeSystem/{code}-answers"

    def bands(self, code: str) -> str:
        return f"{self.base}/CodeSystem/{code}-bands"

    def scores(self) -> str:
        return f"{self.base}/CodeSystem/scores"

    def direction(self) -> str:
        return f"{self.base}/StructureDefinition/score-direction"

    def scoring(self) -> str:
        return f"{self.base}/StructureDefinition/scoring"

    def band(self) -> str:
        return f"{self.base}/StructureDefinition/band"

    def instrument_code(self, canonical: str) -> tuple[str, str | None] | None:
        """(instrument code, version) of a canonical reference to one of ours."""
        url, _bar, version = canonical.partition("|")
        prefix = f"{self.base}/Questionnaire/"
        if not url.startswith(prefix) or "/" in url[len(prefix) :]:
            return None
        return url[len(prefix) :], version or None


def questionnaire_id(instrument: Instrument) -> str:
    return _fhir_id(f"{instrument.code}-{instrument.version}")


def _scored_value(instrument: Instrument, item: Item, value: int) -> Fraction:
    if item.reverse_keyed and instrument.reverse_subtract_from is not None:
        return Fraction(instrument.reverse_subtract_from - value)
    return Fraction(value)


def answer_coding(
    instrument: Instrument, item: Item, value: int | str, canonical: Canonical
) -> dict[str, Any]:
    """The Coding for a recorded answer: the form's value (or `not_applicable`) as code."""
    coding: dict[str, Any] = {"system": canonical.answers(instrument.code), "code": str(value)}
    if value == NOT_APPLICABLE:
        coding["display"] = item.not_applicable_label or "Not applicable"
        return coding
    label = next((o.label for o in item.options if o.value == value), None)
    if label:
        coding["display"] = label
    return coding


def _item(instrument: Instrument, item: Item, canonical: Canonical, scored: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"linkId": str(item.number), "text": item.text}
    if item.scale is not None:
        whole = item.scale.step.denominator == 1 and item.scale.min.denominator == 1
        entry["type"] = "integer" if whole else "decimal"
        return entry
    entry["type"] = "choice"
    options = []
    for option in item.options:
        answer: dict[str, Any] = {
            "valueCoding": answer_coding(instrument, item, option.value, canonical)
        }
        if scored:
            weight = as_number(_scored_value(instrument, item, option.value))
            answer["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": weight}]
        options.append(answer)
    if item.not_applicable_label is not None:
        options.append({"valueCoding": answer_coding(instrument, item, NOT_APPLICABLE, canonical)})
    entry["answerOption"] = options
    return entry


def _scoring_extensions(instrument: Instrument, canonical: Canonical) -> list[dict[str, Any]]:
    """Strides' own extensions: which way is better, how missing and 'not applicable'
    answers are scored, and the bands, so a Strides Questionnaire imports whole."""
    rules: list[dict[str, Any]] = [
        {"url": "method", "valueCode": instrument.method},
        {"url": "prorate", "valueBoolean": instrument.prorate},
        {"url": "maxMissing", "valueInteger": instrument.max_missing},
        {"url": "multiplier", "valueDecimal": as_number(instrument.multiplier)},
        {"url": "decimals", "valueInteger": instrument.decimals},
    ]
    if instrument.not_applicable_policy:
        rules.append({"url": "notApplicable", "valueCode": instrument.not_applicable_policy})
    extensions: list[dict[str, Any]] = [
        {
            "url": canonical.direction(),
            "valueCode": "lower" if instrument.lower_is_better else "higher",
        },
        {"url": canonical.scoring(), "extension": rules},
    ]
    for band in instrument.bands:
        extensions.append(
            {
                "url": canonical.band(),
                "extension": [
                    {"url": "code", "valueCode": band.code},
                    {"url": "label", "valueString": band.label},
                    {"url": "min", "valueInteger": band.min},
                    {"url": "max", "valueInteger": band.max},
                ],
            }
        )
    return extensions


def questionnaire(instrument: Instrument, canonical: Canonical) -> dict[str, Any]:
    """The Questionnaire resource for one instrument version."""
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(instrument),
        "extension": _scoring_extensions(instrument, canonical),
        "url": canonical.questionnaire(instrument.code),
        "version": instrument.version,
        "name": re.sub(r"[^A-Za-z0-9_]", "_", instrument.code.upper()),
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "language": instrument.language,
        "copyright": instrument.licence,
        "item": [
            *(_item(instrument, item, canonical, True) for item in instrument.items),
            *(_item(instrument, item, canonical, False) for item in instrument.supplementary_items),
        ],
    }
    description = "\n\n".join(t for t in (instrument.instructions, instrument.stem) if t)
    if description:
        resource["description"] = description
    if instrument.loinc.panel:
        resource["code"] = [{"system": LOINC, "code": instrument.loinc.panel}]
    return resource


# Import -------------------------------------------------------------------------


class QuestionnaireImportError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


def option_weight(option: dict[str, Any]) -> Decimal | None:
    """The score of an answer option: ordinalValue or itemWeight, on the option or on
    its Coding (both places are in use)."""
    coding = option.get("valueCoding") or {}
    for holder in (option, coding):
        for extension in holder.get("extension") or []:
            if extension.get("url") in WEIGHT_URLS:
                value = extension.get("valueDecimal", extension.get("valueInteger"))
                if isinstance(value, int | float) and not isinstance(value, bool):
                    return Decimal(repr(value))
    return None


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _flat_items(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    flat: list[dict[str, Any]] = []
    for item in items:
        if item.get("type") == "group":
            flat.extend(_flat_items(item.get("item") or []))
        elif item.get("type") != "display":
            flat.append(item)
    return flat


def _code_from(resource: dict[str, Any]) -> str:
    raw = str(resource.get("name") or resource.get("id") or "imported").lower()
    code = re.sub(r"[^a-z0-9_]", "_", raw).strip("_") or "imported"
    return code if code[0].isalpha() else f"q_{code}"[:40]


def _option_value(option: dict[str, Any], weight: Decimal | None) -> int | None:
    if weight is not None:
        return int(weight) if weight == weight.to_integral_value() else None
    code = (option.get("valueCoding") or {}).get("code", option.get("valueInteger"))
    try:
        return int(str(code))
    except ValueError:
        return None


def _inner(extension: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for part in extension.get("extension") or []:
        for key, value in part.items():
            if key.startswith("value"):
                values[str(part.get("url"))] = value
    return values


def _strides_rules(resource: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Scoring rules and bands from Strides' extensions (under any base URL)."""
    rules: dict[str, Any] = {}
    bands: list[dict[str, Any]] = []
    for extension in resource.get("extension") or []:
        url = str(extension.get("url", ""))
        if url.endswith("/StructureDefinition/score-direction"):
            rules["direction"] = extension.get("valueCode")
        elif url.endswith("/StructureDefinition/scoring"):
            rules.update(_inner(extension))
        elif url.endswith("/StructureDefinition/band"):
            bands.append(_inner(extension))
    return rules, bands


def _scoring_toml(rules: dict[str, Any], bands: list[dict[str, Any]], has_na: bool) -> str:
    lines = [
        "[scoring]",
        f"method = {_toml(rules.get('method', 'sum'))}",
        f"multiplier = {_toml(Decimal(repr(rules.get('multiplier', 1))))}",
        f"decimals = {_toml(int(rules.get('decimals', 0)))}",
    ]
    if has_na:
        lines.append(f"not_applicable = {_toml(rules.get('notApplicable', 'exclude'))}")
    lines += [
        "",
        "[scoring.missing]",
        f"prorate = {_toml(bool(rules.get('prorate', False)))}",
        f"max_missing = {_toml(int(rules.get('maxMissing', 0)))}",
        "",
    ]
    for band in bands:
        lines += [
            "[[bands]]",
            f"code = {_toml(band.get('code'))}",
            f"label = {_toml(band.get('label'))}",
            f"min = {_toml(int(band.get('min', 0)))}",
            f"max = {_toml(int(band.get('max', 0)))}",
            "",
        ]
    return "\n".join(lines)


def definition_from_questionnaire(
    resource: dict[str, Any], *, direction: str | None = None, code: str | None = None
) -> tuple[str, dict[str, dict[str, int]]]:
    """The TOML text of an instrument definition, and, per item number, the answer code
    -> value map a response to this Questionnaire is recorded with.

    Items whose options carry weights are scored; items whose options carry none (but
    integer codes) become supplementary questions; other items are skipped.
    """
    problems: list[str] = []
    if resource.get("resourceType") != "Questionnaire":
        raise QuestionnaireImportError(["the file is not a FHIR Questionnaire"])
    rules, bands = _strides_rules(resource)
    direction = direction or rules.pop("direction", None)
    if direction not in ("lower", "higher"):
        problems.append("say whether lower or higher totals are better (--direction)")
    code = code or _code_from(resource)
    scored: list[str] = []
    has_na = False
    supplementary: list[str] = []
    response_sets: list[str] = []
    answer_maps: dict[str, dict[str, int]] = {}
    for position, item in enumerate(_flat_items(resource.get("item") or []), start=1):
        link = str(item.get("linkId", position))
        number = int(link) if link.isdigit() and int(link) > 0 else position
        options = item.get("answerOption") or []
        if item.get("type") not in ("choice", "coding") or not options:
            continue
        weights = [option_weight(option) for option in options]
        has_weights = any(w is not None for w in weights)
        lines = []
        mapping: dict[str, int] = {}
        not_applicable = None
        for option, weight in zip(options, weights, strict=True):
            coding = option.get("valueCoding") or {}
            answer_code = str(coding.get("code", option.get("valueInteger", "")))
            if answer_code == NOT_APPLICABLE:
                not_applicable = coding.get("display") or "Not applicable"
                continue
            value = _option_value(option, weight if has_weights else None)
            if value is None:
                problems.append(f"item {link}: answer {answer_code!r} has no whole-number score")
                continue
            mapping[answer_code] = value
            label = coding.get("display") or option.get("valueString")
            text = f"{{ value = {value}" + (f", label = {_toml(label)} }}" if label else " }")
            lines.append(f"    {text},")
        if not lines:
            continue
        answer_maps[str(number)] = mapping
        response_sets.append(
            f"[response_sets.item{number}]\noptions = [\n" + "\n".join(lines) + "\n]\n"
        )
        body = [
            f"number = {number}",
            f'responses = "item{number}"',
            f"text = {_toml(item.get('text') or link)}",
        ]
        if has_weights:
            if not_applicable:
                has_na = True
                body.append(f"not_applicable = {_toml(not_applicable)}")
            scored.append("[[items]]\n" + "\n".join(body) + "\n")
        else:
            supplementary.append("[[supplementary_items]]\n" + "\n".join(body) + "\n")
    if not scored:
        problems.append("no item has answer options with scores (ordinalValue or itemWeight)")
    if problems:
        raise QuestionnaireImportError(problems)
    url = resource.get("url")
    source = (
        f"FHIR Questionnaire {url}|{resource.get('version', '')}" if url else "FHIR Questionnaire"
    )
    header = [
        f"# Imported from {source} by `strides fhir import-questionnaire`.",
        "# Cut-offs, reliable change and risk items are not part of a FHIR Questionnaire:",
        "# add them (and bands, if missing) from the instrument's manual before use.",
        f"code = {_toml(code)}",
        f"name = {_toml(resource.get('title') or resource.get('name') or code)}",
        f"version = {_toml(resource.get('version') or '1')}",
        f"language = {_toml(resource.get('language') or 'en')}",
        f"direction = {_toml(direction)}",
        f"licence = {_toml(resource.get('copyright') or 'See the source.')}",
        f"source = {_toml(source)}",
    ]
    description = resource.get("description")
    if description:
        header.append(f"instructions = {_toml(description)}")
    text = (
        "\n".join(header)
        + "\n\n"
        + "\n".join([*response_sets, *scored, *supplementary, _scoring_toml(rules, bands, has_na)])
    )
    for panel in resource.get("code") or []:
        if panel.get("system") == LOINC and panel.get("code"):
            text += f"\n[codes]\nloinc_panel = {_toml(panel['code'])}\n"
            break
    return text, answer_maps
