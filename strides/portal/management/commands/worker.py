"""`strides worker`: run the portal's background work (mail, schedules, reminders)."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from strides.portal.worker import new_worker_id, run_round


class Command(BaseCommand):
    help = (
        "Send queued mail and create due invitations and reminders. Start several to share "
        "the work; each task runs once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between rounds (default 5)"
        )
        parser.add_argument(
            "--once", action="store_true", help="run one round (tick and ready tasks), then exit"
        )

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        worker_id = new_worker_id()
        self.stdout.write(f"Strides worker {worker_id[:8]} started.")
        while True:
            close_old_connections()
            due = run_round(worker_id)
            if any(due.values()):
                self.stdout.write(
                    "Created {invitations} invitations, {reminders} reminders, {celebrations} "
                    "celebration messages, {lapsed} lapsed; ran {tasks} tasks.".format(**due)
                )
            if once:
                return
            time.sleep(interval)
