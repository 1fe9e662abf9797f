"""A schedule's life with frozen time and two workers running at once; used by
test_portal_schedules (in a child process on a SQLite file, like the concurrency run)."""

import json
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any


def two_workers() -> None:
    from django.db import connection

    from strides.portal.worker import new_worker_id, run_round

    barrier = threading.Barrier(2)
    errors: list[str] = []

    def work() -> None:
        try:
            barrier.wait()
            run_round(new_worker_id())
        except Exception as error:  # reported to the test
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError("; ".join(errors))


def schedule_life(outbox: str) -> dict[str, Any]:
    import time_machine
    from django.test import override_settings

    from strides.accounts.models import Role, User
    from strides.clients.models import Appointment, Client, Episode
    from strides.portal.models import EmailDelivery, EmailKind, Invitation, Schedule

    mailers = {
        "portal": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": outbox},
        }
    }
    tess = User.objects.create(username="tess-s", role=Role.THERAPIST)
    client = Client.objects.create(display_name="Robin Tessclient", email="robin@example.org")
    episode = Episode.objects.create(client=client, therapist=tess, start=date(2026, 9, 1))
    Appointment.objects.create(episode=episode, at=datetime(2026, 10, 1, 15, tzinfo=UTC))
    common = {"episode": episode, "instruments": ["phq9"], "created_by": tess}
    Schedule.objects.create(
        kind="every_n_weeks", every_weeks=2, starts_on=date(2026, 10, 1), **common
    )
    Schedule.objects.create(kind="before_appointment", starts_on=date(2026, 9, 1), **common)
    Schedule.objects.create(
        kind="dates", dates=["2026-10-08"], starts_on=date(2026, 9, 1), **common
    )

    def counts() -> dict[str, int]:
        sent = EmailDelivery.objects.filter(status="sent", invitation__episode=episode)
        return {
            "invitations": Invitation.objects.filter(episode=episode).count(),
            "invitation_mails": sent.filter(kind=EmailKind.INVITATION).count(),
            "reminder_mails": sent.filter(kind=EmailKind.REMINDER).count(),
            "reminded": Invitation.objects.filter(
                episode=episode, reminded_at__isnull=False
            ).count(),
        }

    story: dict[str, Any] = {}
    start = datetime(2026, 10, 1, 9, tzinfo=UTC)
    with override_settings(MAILERS=mailers):
        steps = [
            ("day0", start),
            ("day0_again", start + timedelta(minutes=5)),
            ("day1", start + timedelta(days=1)),
            ("day2_reminders", start + timedelta(days=2, hours=1)),
            ("day2_again", start + timedelta(days=2, hours=2)),
            ("day7_date", start + timedelta(days=7)),
            ("day14_period", start + timedelta(days=14)),
        ]
        for name, moment in steps:
            with time_machine.travel(moment, tick=False):
                two_workers()
                story[name] = counts()
        Episode.objects.filter(pk=episode.pk).update(end=date(2026, 10, 20))
        with time_machine.travel(start + timedelta(days=28), tick=False):
            two_workers()
            story["day28_ended"] = counts()
            story["active_schedules"] = Schedule.objects.filter(
                episode=episode, active=True
            ).count()
    return story


def main() -> None:
    import os
    import tempfile

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strides.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(schedule_life(tempfile.mkdtemp(prefix="outbox-"))))


if __name__ == "__main__":
    main()
