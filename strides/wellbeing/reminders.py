"""Emailing a therapist when the check-in they scheduled is due (run by `strides worker`).

Once per due day, claimed with a conditional update so two workers send it once. The mail
says only that a check-in is due; it is private to the therapist (the admins' mail pages
leave it out) and writes no audit event, so no one learns their cadence from it.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from strides.portal.mail import Message, email_queue
from strides.portal.models import EmailKind
from strides.wellbeing.models import CheckIn, CheckInSchedule
from strides.wellbeing.selectors import next_checkin_due


def checkin_reminder_message() -> Message:
    link = settings.STRIDES_BASE_URL + reverse("wellbeing")
    return Message(
        subject=_("Your wellbeing check-in is due"),
        text=render_to_string("wellbeing/email_checkin_reminder.txt", {"link": link}),
        html="",
    )


def checkin_reminders_queue(*, today: date) -> int:
    """Queue a reminder for each active therapist with an address whose check-in is due
    today or earlier and who has not been reminded for that due day; the number queued."""
    queued = 0
    schedules = (
        CheckInSchedule.objects.filter(every_days__gt=0, therapist__is_active=True)
        .exclude(therapist__email="")
        .select_related("therapist")
    )
    for schedule in schedules:
        last = (
            CheckIn.objects.filter(therapist=schedule.therapist)
            .order_by("-taken_on")
            .values_list("taken_on", flat=True)
            .first()
        )
        due = next_checkin_due(schedule, last)
        if due is None or due > today or schedule.reminded_for == due:
            continue
        with transaction.atomic():
            claimed = (
                CheckInSchedule.objects.filter(pk=schedule.pk)
                .exclude(reminded_for=due)
                .update(reminded_for=due)
            )
            if claimed:
                email_queue(
                    kind=EmailKind.WELLBEING,
                    to_address=schedule.therapist.email,
                    message=checkin_reminder_message(),
                )
                queued += 1
    return queued
