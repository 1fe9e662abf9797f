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


def _episode(client_name: str) -> Any:
    """A fresh client of tess's with one open episode."""
    from strides.accounts.models import Role, User
    from strides.clients.models import Client, Episode

    tess, _created = User.objects.get_or_create(
        username="tess", defaults={"role": Role.THERAPIST, "email": "tess@example.org"}
    )
    client = Client.objects.create(display_name=client_name)
    return Episode.objects.create(client=client, therapist=tess, start=date(2026, 9, 1))


def _submit_at_once(invitations: list[Any], answers: dict[str, dict[int, int]]) -> list[str]:
    """Submit each invitation from its own thread, all released at the same moment;
    each thread's outcome: "stored", "refused" (already submitted) or the error."""
    from django.db import connection

    from strides.portal import services

    barrier = threading.Barrier(len(invitations))
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(invitation: Any) -> None:
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

    threads = [threading.Thread(target=submit, args=(invitation,)) for invitation in invitations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def submit_concurrently(answers: dict[str, dict[int, int]]) -> dict[str, Any]:
    from strides.alerts.models import Alert, AlertKind
    from strides.assessments.models import Assessment
    from strides.portal import services
    from strides.portal.models import EmailDelivery, EmailKind

    episode = _episode("Robin Tessclient")
    invitation = services.invitation_create(
        actor=episode.therapist, episode=episode, instruments=list(answers)
    ).invitation
    outcomes = _submit_at_once([invitation] * SUBMITTERS, answers)
    assessments = list(Assessment.objects.filter(episode=episode))
    risk_alerts = Alert.objects.filter(episode=episode, kind=AlertKind.RISK)
    return {
        "outcomes": outcomes,
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
    from strides.alerts.models import Alert, AlertStatus
    from strides.portal import services

    episode = _episode("Sam Samelink")
    invitations = [
        services.invitation_create(
            actor=episode.therapist, episode=episode, instruments=list(answers)
        ).invitation
        for _ in range(LINKS)
    ]
    return {
        "outcomes": _submit_at_once(invitations, answers),
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
