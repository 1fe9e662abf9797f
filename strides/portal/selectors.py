"""Reads for staff pages: the portal part of the client page, the caseload's "not
answered" list, the admins' mail pages. Callers pass records the actor may see."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.accounts.permissions import readable_episodes, writable_episodes
from strides.clients.models import Client, Episode
from strides.instruments import list_instruments
from strides.portal.mail import PRIVATE_HEADER, outbox_dir
from strides.portal.models import (
    ClientPortal,
    DeliveryStatus,
    EmailDelivery,
    EmailKind,
    Invitation,
    Purpose,
    Schedule,
)


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    state: str

    @property
    def answered(self) -> bool:
        return self.invitation.used_at is not None


def invitation_state(invitation: Invitation, now: datetime) -> str:
    if invitation.used_at is not None:
        return _("answered")
    if invitation.expires_at <= now:
        return _("not answered")
    if invitation.reminded_at is not None:
        return _("waiting, reminded")
    return _("waiting")


@dataclass(frozen=True)
class EpisodePortal:
    episode: Episode
    can_change: bool
    invitations: list[InvitationRow]
    schedules: list[Schedule]


@dataclass(frozen=True)
class ClientPortalPanel:
    has_email: bool
    unsubscribed_at: datetime | None
    story_enabled: bool
    episodes: list[EpisodePortal]
    instruments: list[tuple[str, str]]


def client_portal_panel(
    *, actor: User, client: Client, episodes: Iterable[Episode]
) -> ClientPortalPanel:
    """The portal part of the client page, for episodes `client_episodes` allowed."""
    now = timezone.now()
    writable = set(writable_episodes(actor).filter(client=client).values_list("pk", flat=True))
    preferences = ClientPortal.objects.filter(client=client).first()
    rows = []
    for episode in episodes:
        invitations = Invitation.objects.filter(episode=episode, purpose=Purpose.ANSWER)[:8]
        rows.append(
            EpisodePortal(
                episode=episode,
                can_change=episode.pk in writable,
                invitations=[InvitationRow(i, invitation_state(i, now)) for i in invitations],
                schedules=list(Schedule.objects.filter(episode=episode, active=True)),
            )
        )
    return ClientPortalPanel(
        has_email=bool(client.email),
        unsubscribed_at=preferences.unsubscribed_at if preferences else None,
        story_enabled=bool(preferences and preferences.story_enabled),
        episodes=rows,
        instruments=[(i.code, i.name) for i in list_instruments() if i.code != "proqol5"],
    )


@dataclass(frozen=True)
class NotAnswered:
    client_id: int
    client_name: str
    sent_at: datetime
    state: str


def not_answered(*, actor: User, days: int = 30) -> list[NotAnswered]:
    """Invitations of the actor's open episodes from the last `days` that are still
    unanswered after the reminder delay, newest first."""
    now = timezone.now()
    waiting = (
        Invitation.objects.filter(
            episode__in=readable_episodes(actor).filter(end__isnull=True),
            purpose=Purpose.ANSWER,
            used_at__isnull=True,
            created_at__gt=now - timedelta(days=days),
            created_at__lte=now - timedelta(days=settings.STRIDES_REMINDER_DAYS),
        )
        .select_related("episode__client")
        .order_by("-created_at")[:50]
    )
    return [
        NotAnswered(
            client_id=i.episode.client_id,
            client_name=i.episode.client.display_name,
            sent_at=i.created_at,
            state=invitation_state(i, now),
        )
        for i in waiting
    ]


# An answering or story link (not the unsubscribe link) in a mail's text.
PORTAL_LINK = re.compile(r"https?://\S+/p/o/[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class OutboxMessage:
    to: str
    subject: str
    date: str
    text: str
    links: list[str]


def _plain_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""


def outbox_messages(limit: int = 50) -> list[OutboxMessage] | None:
    """The demo outbox, newest first; None when mail goes to a real server (then the
    page does not exist)."""
    folder = outbox_dir()
    if folder is None:
        return None
    found: list[OutboxMessage] = []
    separator = b"\n" + b"-" * 79 + b"\n"
    files = (
        sorted(Path(folder).glob("*.log"), key=lambda p: p.stat().st_mtime)
        if Path(folder).exists()
        else []
    )
    for path in files:
        for chunk in path.read_bytes().split(separator):
            if not chunk.strip():
                continue
            message = message_from_bytes(chunk, policy=policy.default)
            assert isinstance(message, EmailMessage)
            if message[PRIVATE_HEADER]:
                continue
            text = _plain_text(message)
            links = PORTAL_LINK.findall(text)
            found.append(
                OutboxMessage(
                    to=str(message["To"]),
                    subject=str(message["Subject"]),
                    date=str(message["Date"]),
                    text=text,
                    links=links,
                )
            )
    return list(reversed(found))[:limit]


def deliveries(*, limit: int = 100) -> list[EmailDelivery]:
    """Mail that has not gone out yet or failed, for admins (no bodies, only status). A
    therapist's own wellbeing reminders are theirs alone and not listed."""
    return list(
        EmailDelivery.objects.exclude(status=DeliveryStatus.SENT)
        .exclude(kind=EmailKind.WELLBEING)
        .order_by("-created_at")[:limit]
    )
