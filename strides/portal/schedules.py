"""What the background tick does: create the invitations schedules make due, send each
reminder once, and deliver queued celebration messages.

Safe with several workers at once: a schedule's occurrence is unique in the database,
and reminders and celebrations are claimed with conditional updates.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from strides.clients.models import AppointmentStatus
from strides.milestones.models import CelebrationMessage
from strides.portal import mail
from strides.portal.models import (
    ClientPortal,
    EmailKind,
    Invitation,
    Purpose,
    Schedule,
    ScheduleKind,
)

# A "before every appointment" invitation goes out this long before the appointment.
BEFORE_APPOINTMENT = timedelta(days=1)


def due_occurrences(schedule: Schedule, now: datetime, today: date) -> list[str]:
    """The keys of the schedule's occurrences due now (at most the current one of a
    repeating schedule: a schedule switched on late does not send a backlog)."""
    if today < schedule.starts_on:
        return []
    match schedule.kind:
        case ScheduleKind.BEFORE_APPOINTMENT:
            upcoming = schedule.episode.appointments.filter(
                status=AppointmentStatus.SCHEDULED, at__gt=now, at__lte=now + BEFORE_APPOINTMENT
            )
            return [f"appointment:{pk}" for pk in upcoming.values_list("pk", flat=True)]
        case ScheduleKind.EVERY_N_WEEKS:
            period = 7 * max(1, schedule.every_weeks or 1)
            return [f"period:{(today - schedule.starts_on).days // period}"]
        case ScheduleKind.DATES:
            past = sorted(d for d in schedule.dates if date.fromisoformat(d) <= today)
            return [f"date:{past[-1]}"] if past else []
    return []


def _create_due(now: datetime, today: date) -> int:
    from strides.portal.services import invitation_create

    created = 0
    for schedule in Schedule.objects.filter(active=True).select_related("episode__client"):
        if schedule.episode.end is not None:
            Schedule.objects.filter(pk=schedule.pk).update(active=False)
            continue
        for occurrence in due_occurrences(schedule, now, today):
            if Invitation.objects.filter(schedule=schedule, occurrence=occurrence).exists():
                continue
            try:
                with transaction.atomic():
                    invitation_create(
                        actor=None,
                        episode=schedule.episode,
                        instruments=list(schedule.instruments),
                        include_goals=schedule.include_goals,
                        schedule=schedule,
                        occurrence=occurrence,
                    )
            except IntegrityError:
                continue  # another worker created this occurrence a moment ago
            created += 1
    return created


def _unsubscribed(client_id: int) -> bool:
    return ClientPortal.objects.filter(client_id=client_id, unsubscribed_at__isnull=False).exists()


def _send_reminders(now: datetime) -> int:
    from strides.portal.services import invitation_link, invitation_rotate

    sent = 0
    waiting = Invitation.objects.filter(
        purpose=Purpose.ANSWER,
        used_at__isnull=True,
        reminded_at__isnull=True,
        expires_at__gt=now,
        episode__end__isnull=True,
    ).select_related("episode__client", "schedule")
    for invitation in waiting:
        days = (
            invitation.schedule.reminder_days
            if invitation.schedule is not None
            else settings.STRIDES_REMINDER_DAYS
        )
        client = invitation.episode.client
        if invitation.created_at > now - timedelta(days=days) or not client.email:
            continue
        if _unsubscribed(client.pk):
            continue
        with transaction.atomic():
            if not Invitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue  # another worker sent it
            link = invitation_link(invitation_rotate(invitation=invitation))
            mail.email_queue(
                kind=EmailKind.REMINDER,
                to_address=client.email,
                message=mail.client_message(kind=EmailKind.REMINDER, link=link, client=client),
                invitation=invitation,
            )
        sent += 1
    return sent


def _deliver_celebrations(now: datetime) -> int:
    """Queued celebration messages reach clients who opted in and whose story is shared:
    an email with a link to their story, where the message is shown."""
    from strides.portal.services import invitation_create

    delivered = 0
    queued = CelebrationMessage.objects.filter(
        delivered_at__isnull=True,
        milestone__episode__end__isnull=True,
        milestone__episode__client__celebrations_opt_in=True,
        milestone__episode__client__portal__story_enabled=True,
    ).select_related("milestone__episode__client")
    for message in queued:
        episode = message.milestone.episode
        client = episode.client
        if not client.email or _unsubscribed(client.pk):
            continue
        with transaction.atomic():
            if not CelebrationMessage.objects.filter(
                pk=message.pk, delivered_at__isnull=True
            ).update(delivered_at=now):
                continue
            new = invitation_create(
                actor=None, episode=episode, instruments=[], purpose=Purpose.STORY, send_email=False
            )
            mail.email_queue(
                kind=EmailKind.CELEBRATION,
                to_address=client.email,
                message=mail.client_message(
                    kind=EmailKind.CELEBRATION, link=new.link, client=client
                ),
                invitation=new.invitation,
            )
        delivered += 1
    return delivered


def _note_lapsed(now: datetime) -> int:
    """Invitations that expired unanswered count as missed measures: refresh their
    episode's alerts once for each (the measures-missed alert counts them)."""
    from strides.outcomes.services import progress_refresh

    lapsed = 0
    expired = Invitation.objects.filter(
        purpose=Purpose.ANSWER, used_at__isnull=True, lapsed_at__isnull=True, expires_at__lte=now
    ).select_related("episode")
    for invitation in expired:
        with transaction.atomic():
            if not Invitation.objects.filter(pk=invitation.pk, lapsed_at__isnull=True).update(
                lapsed_at=now
            ):
                continue
            if invitation.episode.end is None:
                progress_refresh(actor=None, episode=invitation.episode)
        lapsed += 1
    return lapsed


def tick() -> dict[str, int]:
    now = timezone.now()
    today = timezone.localdate()
    return {
        "lapsed": _note_lapsed(now),
        "invitations": _create_due(now, today),
        "reminders": _send_reminders(now),
        "celebrations": _deliver_celebrations(now),
    }
