"""One round of `strides worker`: the schedule tick, then every ready task.

Several workers may run at once (processes or threads): django-tasks-db hands each task
to one of them (row locks, or an exclusive transaction on SQLite), and the tick is safe
to run twice (see `schedules.py`).
"""

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from strides.portal import schedules


def new_worker_id() -> str:
    return get_random_string(32)


def run_round(worker_id: str) -> dict[str, int]:
    due = schedules.tick()
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()
    return due
