from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from strides.instruments import (
    ENV_VAR,
    definition_problems,
    list_instruments,
    load_file,
    validate_file,
)


class Command(BaseCommand):
    help = (
        "Instrument definitions. `strides instruments list` shows what is loaded; "
        "`strides instruments validate FILE` explains every problem in a definition file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list the loaded instruments")
        validate = sub.add_parser("validate", help="check definition files")
        validate.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for instrument in list_instruments():
                self.stdout.write(
                    f"{instrument.code:10} v{instrument.version:6} "
                    f"{instrument.name}  [{instrument.path}]"
                )
            self.stdout.write(f"Practice instruments are read from ${ENV_VAR} when it is set.")
            for problem in definition_problems():
                self.stdout.write(self.style.WARNING(f"Skipped: {problem}"))
            return
        failed = 0
        for path in options["files"]:
            problems = validate_file(path)
            if problems:
                failed += 1
                self.stdout.write(self.style.ERROR(f"{path}: {len(problems)} problem(s)"))
                for problem in problems:
                    self.stdout.write(f"  - {problem}")
            else:
                instrument = load_file(path)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{path}: valid ({instrument.code}, {len(instrument.items)} items)"
                    )
                )
        if failed:
            raise CommandError(f"{failed} of {len(options['files'])} file(s) have problems.")
