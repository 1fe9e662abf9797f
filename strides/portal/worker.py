"""One round of `strides worker`: the schedule tick (invitations, reminders, the
therapists' own check-in reminders), then every ready task.

Several workers may run at once (processes or threads): each task is claimed by one of
them the way django-tasks-db's own worker does it (a row lock skipping locked rows, or
an exclusive transaction on SQLite), and the tick is safe to run twice (`schedules.py`).

A worker that dies mid-task (kill -9, power loss) leaves its task RUNNING. A claim is a
lease of STRIDES_TASK_LEASE_SECONDS: once it is older, the next claim makes the task ready
again and it runs once more. Tasks are written to be run again safely: the mail task
claims its mail with the same lease and marks it sent the moment the server accepts it
(`mail.email_send`).
"""

from datetime import timedelta

from django.conf import settings
from django.db.utils import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from strides.portal import schedules
from strides.wellbeing.reminders import checkin_reminders_queue

BACKEND = "default"
QUEUE = "default"


def new_worker_id() -> str:
    return get_random_string(32)


def _claim(worker_id: str) -> DBTaskResult | None:
    queue = DBTaskResult.objects.filter(backend_name=BACKEND, queue_name=QUEUE)
    ready = queue.ready()
    lease = timedelta(seconds=settings.STRIDES_TASK_LEASE_SECONDS)
    try:
        with exclusive_transaction(ready.db):
            # Tasks of workers that died: their lease is over, they run again.
            queue.filter(
                status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - lease
            ).update(status=TaskResultStatus.READY)
            task_result = ready.get_locked()
            if task_result is not None:
                task_result.claim(worker_id)
    except OperationalError as error:
        if is_locked_database_exception(error):
            return None  # another worker holds the queue this instant; next round
        raise
    return task_result


def run_round(worker_id: str) -> dict[str, int]:
    """The tick, then the ready tasks one by one until none is left for this worker."""
    due = schedules.tick()
    due["wellbeing_reminders"] = checkin_reminders_queue(today=timezone.localdate())
    runner = Worker(
        queue_names=[QUEUE],
        interval=0,
        batch=True,
        backend_name=BACKEND,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while (task_result := _claim(worker_id)) is not None:
        runner.run_task(task_result)
        ran += 1
    return {**due, "tasks": ran}
