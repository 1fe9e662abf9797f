from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from strides.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `strides audit verify` checks the hash chain."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN after {report.checked} good events: {report.problem}"
            )
        self.stdout.write(f"Audit chain intact: {report.checked} events verified.")
