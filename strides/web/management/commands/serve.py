import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from strides.crypto import key_ring
from strides.lib.encryption import KeyConfigurationError

# gunicorn's combined format without the query string (%(q)s, inside %(r)s) and the
# referrer (%(f)s, a full URL): a search term or client name never reaches the log.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'


def gunicorn_argv(*, addr: str, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "strides.wsgi:application",
        "--bind",
        addr,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
    ]


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
        argv = gunicorn_argv(addr=options["addr"], workers=options["workers"])
        os.execvp(argv[0], argv)  # noqa: S606  (replace this process with gunicorn)
