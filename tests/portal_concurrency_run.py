"""Submit one invitation from many threads at once; used by test_portal_concurrency.

Run as a module (`python -m tests.portal_concurrency_run`) it migrates a fresh SQLite
*file* database (the deployment's own mode: WAL, immediate transactions, busy timeout)
and prints the outcome as JSON, because the test runner's in-memory SQLite shares one
cache between threads and fails concurrent writers at once instead of queueing them.
"""

import json
import threading
from datetime import date
from typing import Any

SUBMITTERS = 20
LINKS = 8  # invitations of one episode submitted at once
NO_RISK = {"phq9": {n: 1 for n in range(1, 9)} | {9: 0}, "gad7": {n: 2 for n in range(1, 8)}}
RISK = {"phq9": {n: 0 for n in range(1, 9)} | {9: 2}}


def submit_concurrently(answers: dict[str, dict[int, int]]) -> dict[str, Any]:
    from django.db import connection

    from strides.accounts.models import Role, User
    from strides.alerts.models import Alert, AlertKind
    from strides.assessments.models import Assessment
    from strides.clients.models import Client, Episode
    from strides.portal import services
    from strides.portal.models import EmailDelivery, EmailKind

    tess, _created = User.objects.get_or_create(
        username="tess", defaults={"role": Role.THERAPIST, "email": "tess@example.org"}
    )
    client = Client.objects.create(display_name="Robin Tessclient")
    episode = Episode.objects.create(client=client, therapist=tess, start=date(2026, 9, 1))
    invitation = services.invitation_create(
        actor=tess, episode=episode, instruments=list(answers)
    ).invitation
    barrier = threading.Barrier(SUBMITTERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            barrier.wait()
            services.portal_submit(invitation=invitation, answers=answers, goal_ratings={})
            outcome = "stored"
        except services.AlreadySubmitted:
            outcome = "refused"
        except Exception as error:  # reported to the test
            outcome = f"error {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit) for _ in range(SUBMITTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assessments = list(Assessment.objects.filter(episode=episode))
    risk_alerts = Alert.objects.filter(episode=episode, kind=AlertKind.RISK)
    return {
        "outcomes": sorted(outcomes),
        "instruments": sorted(a.instrument_code for a in assessments),
        "risk_alert_sources": sorted(a.source_id for a in risk_alerts),
        "risk_assessments": sorted(a.pk for a in assessments if a.has_risk),
        "alert_mails": EmailDelivery.objects.filter(
            kind=EmailKind.ALERT, invitation=invitation
        ).count(),
    }


def one_episode_many_links(answers: dict[str, dict[int, int]]) -> dict[str, Any]:
    """Eight invitations of one episode, each submitted once, all at the same moment:
    every submit refreshes the same episode's alerts (a risk answer opens one)."""
    from django.db import connection

    from strides.accounts.models import Role, User
    from strides.alerts.models import Alert, AlertStatus
    from strides.clients.models import Client, Episode
    from strides.portal import services

    tess, _created = User.objects.get_or_create(
        username="tess", defaults={"role": Role.THERAPIST, "email": "tess@example.org"}
    )
    client = Client.objects.create(display_name="Sam Samelink")
    episode = Episode.objects.create(client=client, therapist=tess, start=date(2026, 9, 1))
    invitations = [
        services.invitation_create(actor=tess, episode=episode, instruments=list(answers))
        for _ in range(LINKS)
    ]
    barrier = threading.Barrier(LINKS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(invitation: Any) -> None:
        try:
            barrier.wait()
            services.portal_submit(invitation=invitation, answers=answers, goal_ratings={})
            outcome = "stored"
        except Exception as error:  # reported to the test
            outcome = f"error {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit, args=(new.invitation,)) for new in invitations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "outcomes": sorted(outcomes),
        "open_alerts": Alert.objects.filter(episode=episode, status=AlertStatus.OPEN).count(),
        "assessments": episode.assessments.count(),
    }


def both() -> dict[str, dict[str, Any]]:
    return {
        "plain": submit_concurrently(NO_RISK),
        "risk": submit_concurrently(RISK),
        "one_episode": one_episode_many_links(RISK),
    }


def main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strides.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(both()))


if __name__ == "__main__":
    main()
