import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from strides.accounts.models import User
from strides.fhir.export import canonical, patient_everything
from strides.fhir.imports import BundleRejected, bundle_import
from strides.fhir.questionnaires import (
    QuestionnaireImportError,
    definition_from_questionnaire,
    questionnaire,
)
from strides.instruments import get_instrument


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"{path}: cannot be read: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise CommandError(f"{path}: not JSON ({error})") from None
    if not isinstance(data, dict):
        raise CommandError(f"{path}: not a FHIR resource")
    return data


def _user(name: str) -> User:
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise CommandError(f"No active account named {name!r}.")
    return user


class Command(BaseCommand):
    help = (
        "FHIR R4. `strides fhir export --client ID --user NAME [--out FILE]` writes the "
        "client's Patient/$everything Bundle; `strides fhir import FILE --client ID --user "
        "NAME` loads a Bundle of QuestionnaireResponses (all or nothing); `strides fhir "
        "questionnaire CODE` writes an instrument's Questionnaire; `strides fhir "
        "import-questionnaire FILE [--out FILE]` turns a Questionnaire into an instrument "
        "definition file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write a client's Bundle")
        export.add_argument("--client", type=int, required=True)
        export.add_argument("--user", required=True, help="whose access decides the content")
        export.add_argument("--out", type=Path)
        load = sub.add_parser("import", help="load a Bundle of QuestionnaireResponses")
        load.add_argument("file", type=Path)
        load.add_argument("--client", type=int, required=True)
        load.add_argument("--user", required=True, help="the treating therapist")
        publish = sub.add_parser("questionnaire", help="write an instrument's Questionnaire")
        publish.add_argument("code")
        publish.add_argument("--out", type=Path)
        convert = sub.add_parser("import-questionnaire", help="Questionnaire -> definition")
        convert.add_argument("file", type=Path)
        convert.add_argument("--out", type=Path)
        convert.add_argument("--direction", choices=["lower", "higher"])
        convert.add_argument("--code", help="instrument code (default: from the name)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            self._export(options)
        elif action == "import":
            self._import(options)
        elif action == "questionnaire":
            self._publish(options)
        else:
            self._questionnaire(options)

    def _export(self, options: dict[str, Any]) -> None:
        try:
            bundle = patient_everything(actor=_user(options["user"]), client_id=options["client"])
        except Http404:
            raise CommandError(f"No client {options['client']} that you may see.") from None
        self._write(bundle, options["out"])

    def _publish(self, options: dict[str, Any]) -> None:
        try:
            instrument = get_instrument(options["code"])
        except KeyError as error:
            raise CommandError(str(error.args[0])) from None
        self._write(questionnaire(instrument, canonical()), options["out"])

    def _write(self, resource: dict[str, Any], out: Path | None) -> None:
        text = json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
        if out is None:
            sys.stdout.write(text)
            return
        out.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote {out}.")

    def _import(self, options: dict[str, Any]) -> None:
        bundle = _read_json(options["file"])
        try:
            report = bundle_import(
                actor=_user(options["user"]), client_id=options["client"], bundle=bundle
            )
        except Http404:
            raise CommandError(f"No client {options['client']} that you may change.") from None
        except BundleRejected as rejected:
            for name, problems in rejected.report.problems.items():
                self.stdout.write(self.style.ERROR(f"{name}:"))
                for problem in problems:
                    self.stdout.write(f"  - {problem}")
            raise CommandError(
                f"Nothing imported: {len(rejected.report.problems)} resource(s) have problems."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(report.imported)} assessment(s), each scored.")
        )

    def _questionnaire(self, options: dict[str, Any]) -> None:
        resource = _read_json(options["file"])
        try:
            text, _answers = definition_from_questionnaire(
                resource, direction=options["direction"], code=options["code"]
            )
        except QuestionnaireImportError as error:
            for problem in error.problems:
                self.stdout.write(f"  - {problem}")
            raise CommandError(f"{options['file']}: cannot be turned into an instrument.") from None
        if options["out"] is None:
            sys.stdout.write(text)
            return
        options["out"].write_text(text, encoding="utf-8")
        self.stderr.write(
            f"Wrote {options['out']}; check it with `strides instruments validate "
            f"{options['out']}` and add bands and cut-offs from the manual."
        )
