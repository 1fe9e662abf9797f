"""A therapist's check-in reminder by email, sent by the worker once per due day, and
private to them: the admins' Mail and Outbox pages leave it out."""

from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from strides.portal.models import EmailDelivery, EmailKind
from strides.wellbeing.models import CheckInSchedule
from strides.wellbeing.services import checkin_record, schedule_set
from tests.base import PersonaTestCase
from tests.portal_helpers import outbox_mail, outbox_settings, run_worker
from tests.test_wellbeing import proqol_answers

DAY_ONE = datetime(2026, 12, 1, 9, tzinfo=UTC)


class CheckInReminderMailTests(PersonaTestCase):
    def setUp(self) -> None:
        self.tess.email = "tess@example.org"
        self.tess.save()
        mail_settings, self.outbox = outbox_settings()
        mail_settings.enable()
        self.addCleanup(mail_settings.disable)

    def reminders(self) -> int:
        return EmailDelivery.objects.filter(kind=EmailKind.WELLBEING).count()

    def test_a_due_check_in_is_emailed_once_then_again_at_the_next_due_day(self) -> None:
        with time_machine.travel(DAY_ONE, tick=False):
            schedule_set(actor=self.tess, every_days=14)
            run_worker()
            run_worker()
            self.assertEqual(self.reminders(), 1)
            mail = outbox_mail(self.outbox)
            self.assertIn("Your wellbeing check-in is due", mail)
            self.assertIn("/wellbeing/", mail)
            self.assertNotIn("burnout", mail.lower())
            checkin_record(actor=self.tess, answers=proqol_answers(cs=3, bo=3, sts=3))
        with time_machine.travel(datetime(2026, 12, 14, 9, tzinfo=UTC), tick=False):
            run_worker()
            self.assertEqual(self.reminders(), 1)  # not due until 15 December
        with time_machine.travel(datetime(2026, 12, 15, 9, tzinfo=UTC), tick=False):
            run_worker()
            self.assertEqual(self.reminders(), 2)
        schedule = CheckInSchedule.objects.get(therapist=self.tess)
        self.assertEqual(schedule.reminded_for, date(2026, 12, 15))

    def test_no_schedule_no_address_or_turned_off_sends_nothing(self) -> None:
        with time_machine.travel(DAY_ONE, tick=False):
            run_worker()
            schedule_set(actor=self.otto, every_days=7)  # otto has no address
            schedule_set(actor=self.tess, every_days=0)
            run_worker()
        self.assertEqual(self.reminders(), 0)

    def test_admins_mail_pages_leave_it_out(self) -> None:
        with time_machine.travel(DAY_ONE, tick=False):
            schedule_set(actor=self.tess, every_days=14)
            run_worker()
        self.assertIn("Your wellbeing check-in is due", outbox_mail(self.outbox))
        EmailDelivery.objects.filter(kind=EmailKind.WELLBEING).update(status="failed")
        self.login(self.admin)
        outbox = self.client.get(reverse("outbox"))
        self.assertEqual(outbox.status_code, 200)
        self.assertNotContains(outbox, "wellbeing")
        self.assertNotContains(outbox, "tess@example.org")
        deliveries = self.client.get(reverse("mail_deliveries"))
        self.assertNotContains(deliveries, "tess@example.org")
