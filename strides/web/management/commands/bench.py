import shlex
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bench.network import NetworkSize
from bench.report import render
from bench.suite import postgres_target, run_classify, run_database, sqlite_target


class Command(BaseCommand):
    help = (
        "Benchmark Strides at network scale: bulk-load a synthetic network into a temporary "
        "database, serve it, and time the therapist's pages against /healthz."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--quick", action="store_true", help="a tenth of the default network (5,000 clients)"
        )
        parser.add_argument(
            "--scale",
            type=float,
            help="the network as a share of the default 50,000 clients (e.g. 0.002 for CI)",
        )
        parser.add_argument(
            "--database-url",
            help="also run on this PostgreSQL server; the database named in the URL must not "
            "exist yet (it is created for the run and dropped after)",
        )
        parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
        parser.add_argument(
            "--no-growth",
            action="store_true",
            help="skip the growth runs on networks of 1/16 and 1/4 the size",
        )
        parser.add_argument(
            "--portal-seconds",
            type=float,
            default=60,
            help="how long the portal load run submits (after a calibration round)",
        )
        parser.add_argument(
            "--output", default="bench/RESULTS.md", help="where to write the results"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"] if options["scale"] is not None else 0.1 if options["quick"] else 1
        requests = options["requests"]
        if requests < 1:
            raise CommandError("--requests must be at least 1")
        if options["portal_seconds"] <= 0:
            raise CommandError("--portal-seconds must be above 0")
        try:
            size = NetworkSize.scaled(scale)
            targets = [sqlite_target()]
            if options["database_url"]:
                targets.append(postgres_target(options["database_url"]))
            growth_requests = None if options["no_growth"] else max(1, min(requests, 20))
            runs = [
                run_database(target, size, requests, growth_requests, options["portal_seconds"])
                for target in targets
            ]
        except ValueError as error:
            raise CommandError(str(error)) from error
        classify = run_classify()
        command = shlex.join(["strides", *sys.argv[1:]])
        report = render(runs, classify, command, requests)
        self.stdout.write(report)
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report)
        self.stdout.write(
            f"Benchmark done: {len(runs)} database(s), results in {output}.", self.style.SUCCESS
        )
