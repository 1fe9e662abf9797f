import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from strides.crypto import key_ring
from strides.lib.encryption import KeyConfigurationError


class Command(BaseCommand):
    help = "Apply migrations, then serve Strides with gunicorn (static files via WhiteNoise)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="HOST:PORT to bind")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--skip-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["skip_migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        try:
            key_ring()  # refuse now, not at the first note, when the key file is missing
        except KeyConfigurationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Serving Strides on http://{options['addr']}/ (Ctrl+C stops).")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "strides.wsgi:application",
            "--bind",
            options["addr"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
        ]
        os.execvp(argv[0], argv)  # noqa: S606  (replace this process with gunicorn)
