"""Background tasks (Django's tasks framework, run by `strides worker`)."""

from django.tasks import task

from strides.portal import mail


@task
def deliver_email(delivery_id: int) -> str:
    return mail.email_send(delivery_id)
