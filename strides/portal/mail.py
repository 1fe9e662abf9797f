"""The portal's mail: what it says, queueing it, and sending it from a background task.

Mail goes through the `portal` mailer (Django's MAILERS): SMTP when STRIDES_EMAIL_HOST
is set, otherwise the demo's file backend under the var folder, read by the admins'
Outbox page. Subjects never name the client and bodies carry no clinical detail.
A body that carries a link is stored encrypted until it is sent, then wiped.
"""

import contextlib
import json
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.clients.models import Client
from strides.crypto import encrypt_text
from strides.portal.models import DeliveryStatus, EmailDelivery, EmailKind, Invitation

MAILER = "portal"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
MAX_ATTEMPTS = 5
UNSUBSCRIBE_SALT = "strides.portal.unsubscribe"
# Marks mail that is private to its staff recipient (a wellbeing reminder): the demo's
# Outbox page leaves it out.
PRIVATE_HEADER = "X-Strides-Private"


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def outbox_dir() -> str | None:
    """The demo outbox folder, or None when mail goes to a real server."""
    config: dict[str, Any] = settings.MAILERS.get(MAILER, {})
    if config.get("BACKEND") != FILE_BACKEND:
        return None
    return str(config["OPTIONS"]["file_path"])


def qr_svg(link: str) -> str:
    """The link as a QR code (inline SVG), for scanning with a phone in the room."""
    return segno.make(link, error="m").svg_inline(scale=4, title=_("QR code for the link"))


def unsubscribe_link(client: Client) -> str:
    value = signing.dumps(client.pk, salt=UNSUBSCRIBE_SALT)
    return settings.STRIDES_BASE_URL + reverse("portal_unsubscribe", args=[value])


def unsubscribe_client_id(value: str) -> int | None:
    try:
        client_id = signing.loads(value, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return client_id if isinstance(client_id, int) else None


SUBJECTS = {
    EmailKind.INVITATION: "A short check-in from your therapist",
    EmailKind.REMINDER: "A gentle reminder: your short check-in",
    EmailKind.STORY: "A look at your progress",
    EmailKind.CELEBRATION: "A message from your therapist",
}


def client_message(*, kind: str, link: str, client: Client) -> Message:
    context = {
        "kind": kind,
        "link": link,
        "days": settings.STRIDES_INVITATION_DAYS,
        "unsubscribe": unsubscribe_link(client),
    }
    return Message(
        subject=_(SUBJECTS[EmailKind(kind)]),
        text=render_to_string("portal/email/client.txt", context),
        html=render_to_string("portal/email/client.html", {**context, "qr": qr_svg(link)}),
    )


def alert_message() -> Message:
    context = {"link": settings.STRIDES_BASE_URL + reverse("attention")}
    return Message(
        subject=_("An alert needs your attention in Strides"),
        text=render_to_string("portal/email/alert.txt", context),
        html="",
    )


def email_queue(
    *, kind: str, to_address: str, message: Message, invitation: Invitation | None = None
) -> EmailDelivery:
    """Store the mail and its task. The task row is in the same database and the same
    transaction, so it exists exactly when the mail does (nothing is lost between a
    commit and a queue), and a slow or failing mail server never slows the page."""
    delivery = EmailDelivery.objects.create(
        kind=kind,
        to_address=to_address,
        subject=message.subject,
        body_encrypted=encrypt_text(json.dumps({"text": message.text, "html": message.html})),
        invitation=invitation,
        created_at=timezone.now(),
    )
    from strides.portal.tasks import deliver_email

    deliver_email.enqueue(delivery.pk)
    return delivery


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 minutes between tries."""
    return timedelta(minutes=2 ** (attempts - 1))


def message_id(delivery: EmailDelivery) -> str:
    """The delivery's Message-ID, the same on every try: a mail sent again after a worker
    died between the server's acceptance and the SENT mark carries the same id, so the
    receiving side can recognise it as the same message."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "strides.invalid"
    return f"<strides-mail-{delivery.pk}.{delivery.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def _claim(delivery_id: int) -> bool:
    """Take the mail for sending (a conditional update, so one worker has it): queued,
    or claimed by a worker that died (its claim older than the task lease)."""
    now = timezone.now()
    expired = now - timedelta(seconds=settings.STRIDES_TASK_LEASE_SECONDS)
    takeable = Q(status=DeliveryStatus.QUEUED) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=expired
    )
    return bool(
        EmailDelivery.objects.filter(takeable, pk=delivery_id).update(
            status=DeliveryStatus.SENDING, claimed_at=now
        )
    )


def email_send(delivery_id: int) -> str:
    """Send one queued mail, once. On failure it is queued again after a backoff, and
    marked failed after MAX_ATTEMPTS.

    The mail is marked SENT as soon as the server accepts it, before the connection is
    closed, so a worker killed while saying goodbye does not send it again; one killed
    before the server accepted it leaves a claim that expires, and the task runs again
    (`strides.portal.worker`). Only a death between the acceptance and that one UPDATE
    sends it twice, with the same Message-ID (`message_id`)."""
    if not _claim(delivery_id):
        return "skipped"
    delivery = EmailDelivery.objects.get(pk=delivery_id)
    body = json.loads(delivery.body)
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=body["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_address],
        headers={"Message-ID": message_id(delivery)},
    )
    if body["html"]:
        message.attach_alternative(body["html"], "text/html")
    if delivery.kind == EmailKind.WELLBEING:
        message.extra_headers[PRIVATE_HEADER] = "own-side"
    attempts = delivery.attempts + 1
    connection = mailers[MAILER]
    try:
        connection.open()
        connection.send_messages([message])
    except Exception as error:  # any mail server failure is retried, then shown to admins
        _close(connection)
        failed = attempts >= MAX_ATTEMPTS
        EmailDelivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED if failed else DeliveryStatus.QUEUED,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:300],
        )
        if failed:
            return "failed"
        from strides.portal.tasks import deliver_email

        deliver_email.using(run_after=timezone.now() + backoff(attempts)).enqueue(delivery_id)
        return "retry"
    EmailDelivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT, attempts=attempts, sent_at=timezone.now(), body_encrypted=""
    )
    _close(connection)
    return "sent"


def _close(connection: BaseEmailBackend) -> None:
    """Say goodbye to the mail server; the mail's fate is already recorded."""
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.close()
