"""The parts of the benchmark that run inside Django against the benchmark's own database.

The orchestrator (`strides bench`) runs them as `python -m bench.worker PHASE ...` with
STRIDES_VAR_DIR and STRIDES_DATABASE_URL pointing at the temporary network, so they never
touch the caller's database. Each phase prints one JSON object as its last line.

    load SCALE ... migrate, bulk-load the network, print counts and the pages to time
    queries ...... print the number of SQL queries of each timed page
    pdf CLIENT ... time the PDF progress report of that client's episode
    outcomes ..... time clinic outcomes against a bare scan of the same rows
    invitations .. create portal invitations (PHQ-9 and GAD-7) and print their links' tokens
    portal-count . count the assessments the portal stored
"""

import argparse
import json
import os
import sys
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strides.settings")
    import django

    django.setup()


def _load(args: argparse.Namespace) -> dict[str, Any]:
    from dataclasses import asdict

    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from bench.network import LARGE_THERAPIST, SMALL_THERAPIST, NetworkSize, build_network

    call_command("migrate", interactive=False, verbosity=0)
    size = NetworkSize(**json.loads(args.size))
    loaded = build_network(size, progress_bar=not args.quiet)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load
    return {
        "size": asdict(size),
        "counts": loaded.counts,
        "users": {"small": SMALL_THERAPIST, "large": LARGE_THERAPIST},
        "client_page_id": loaded.client_page_id,
        "paths": {
            "healthz": reverse("healthz"),
            "caseload": reverse("caseload"),
            "attention": reverse("attention"),
            "wins": reverse("wins"),
            "client": reverse("client_detail", args=[loaded.client_page_id]),
            "login": reverse("account_login"),
        },
    }


def _queries(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from strides.accounts.models import User

    counts: dict[str, int] = {}
    for label, username, path in json.loads(args.pages):
        browser = Client(SERVER_NAME="127.0.0.1")
        browser.force_login(User.objects.get(username=username))
        browser.get(path)  # the first request also loads per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{label}: {path} answered {response.status_code}")
        counts[label] = len(captured.captured_queries)
    return {"queries": counts}


def _pdf(args: argparse.Namespace) -> dict[str, Any]:
    from bench.pdf_report import client_page_episode, pdf_report_seconds

    return {"seconds": pdf_report_seconds(episode_id=client_page_episode(args.client))}


def _outcomes(_args: argparse.Namespace) -> dict[str, Any]:
    from dataclasses import asdict

    from bench.clinic_outcomes import measure

    return asdict(measure())


def _invitations(args: argparse.Namespace) -> dict[str, Any]:
    from itertools import cycle

    from bench.network import LARGE_THERAPIST
    from bench.portal_load import INSTRUMENTS
    from strides.accounts.models import User
    from strides.clients.models import Episode
    from strides.portal.services import invitation_create

    therapist = User.objects.get(username=LARGE_THERAPIST)
    episodes = cycle(list(Episode.objects.filter(therapist=therapist, end__isnull=True)))
    tokens = [
        invitation_create(
            actor=therapist, episode=next(episodes), instruments=list(INSTRUMENTS), send_email=False
        ).token
        for _ in range(args.count)
    ]
    return {"tokens": tokens}


def _portal_count(_args: argparse.Namespace) -> dict[str, Any]:
    from strides.assessments.models import Assessment, Mode

    return {"stored": Assessment.objects.filter(mode=Mode.PORTAL).count()}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    phases = parser.add_subparsers(dest="phase", required=True)
    load = phases.add_parser("load")
    load.add_argument("--size", required=True, help="a NetworkSize as JSON")
    load.add_argument("--quiet", action="store_true")
    queries = phases.add_parser("queries")
    queries.add_argument("--pages", required=True, help="[[label, username, path], ...] as JSON")
    pdf = phases.add_parser("pdf")
    pdf.add_argument("--client", type=int, required=True, help="the client-page case's id")
    invitations = phases.add_parser("invitations")
    invitations.add_argument("--count", type=int, required=True)
    phases.add_parser("portal-count")
    phases.add_parser("outcomes")
    args = parser.parse_args()
    _setup()
    phases_run = {
        "load": _load,
        "queries": _queries,
        "pdf": _pdf,
        "invitations": _invitations,
        "portal-count": _portal_count,
        "outcomes": _outcomes,
    }
    phase = phases_run[args.phase]
    result = phase(args)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
