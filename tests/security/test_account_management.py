"""Account management cannot get around break-glass or lock the clinic out, and
supervision is audited and shown to the supervised therapist."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone

from strides.accounts.models import Role, Supervision, User
from strides.accounts.services import user_update
from strides.audit.models import AuditEvent
from tests.base import PersonaTestCase


class SelfChangeTests(PersonaTestCase):
    def test_an_admin_cannot_change_their_own_role(self) -> None:
        for role in (Role.THERAPIST, Role.SUPERVISOR):
            with self.assertRaisesMessage(ValidationError, "cannot change your own role"):
                user_update(
                    actor=self.admin, user=self.admin, role=role, is_active=True, supervisees=[]
                )
        self.admin.refresh_from_db()
        self.assertEqual(self.admin.role, Role.ADMIN)

    def test_an_admin_cannot_deactivate_themselves(self) -> None:
        self.make_user("second", Role.ADMIN)
        self.login(self.admin)
        response = self.client.post(
            reverse("staff_edit", args=[self.admin.pk]), {"role": Role.ADMIN}
        )
        self.assertContains(response, "cannot change your own role or deactivate yourself")
        self.admin.refresh_from_db()
        self.assertTrue(self.admin.is_active)


class LastAdminTests(PersonaTestCase):
    def test_the_last_active_admin_cannot_be_demoted_by_a_stale_second_admin(self) -> None:
        # Two admins demote each other at the same moment: second's request loaded its
        # account before admin's change reached the database.
        second = self.make_user("second", Role.ADMIN)
        stale_second = User.objects.get(pk=second.pk)
        user_update(
            actor=self.admin, user=second, role=Role.THERAPIST, is_active=True, supervisees=[]
        )
        for role, active in ((Role.THERAPIST, True), (Role.ADMIN, False)):
            with self.assertRaisesMessage(ValidationError, "at least one active admin"):
                user_update(
                    actor=stale_second,
                    user=self.admin,
                    role=role,
                    is_active=active,
                    supervisees=[],
                )
        self.admin.refresh_from_db()
        self.assertEqual((self.admin.role, self.admin.is_active), (Role.ADMIN, True))

    def test_a_former_admin_cannot_change_accounts_with_a_stale_session(self) -> None:
        second = self.make_user("second", Role.ADMIN)
        stale_second = User.objects.get(pk=second.pk)
        user_update(
            actor=self.admin, user=second, role=Role.THERAPIST, is_active=True, supervisees=[]
        )
        with self.assertRaises(Http404):
            user_update(
                actor=stale_second,
                user=self.sam,
                role=Role.SUPERVISOR,
                is_active=True,
                supervisees=[second],
            )
        self.assertEqual(list(self.sam.supervisees.all()), [self.tess])

    def test_another_admin_can_be_demoted_while_one_remains(self) -> None:
        second = self.make_user("second", Role.ADMIN)
        user_update(actor=self.admin, user=second, role=Role.ADMIN, is_active=False, supervisees=[])
        second.refresh_from_db()
        self.assertFalse(second.is_active)


class SupervisionTests(PersonaTestCase):
    def test_assigning_a_supervisor_is_audited_with_both_ids(self) -> None:
        user_update(
            actor=self.admin,
            user=self.sam,
            role=Role.SUPERVISOR,
            is_active=True,
            supervisees=[self.tess, self.otto],
        )
        event = AuditEvent.objects.get(action="supervision.start")
        self.assertEqual((event.actor, event.object_id), (self.admin, str(self.otto.pk)))
        self.assertEqual(
            event.detail, f'{{"supervisee": {self.otto.pk}, "supervisor": {self.sam.pk}}}'
        )
        user_update(
            actor=self.admin,
            user=self.sam,
            role=Role.SUPERVISOR,
            is_active=True,
            supervisees=[self.otto],
        )
        ended = AuditEvent.objects.get(action="supervision.end")
        self.assertEqual(
            ended.detail, f'{{"supervisee": {self.tess.pk}, "supervisor": {self.sam.pk}}}'
        )
        self.assertEqual(list(self.sam.supervisees.all()), [self.otto])

    def test_the_supervised_therapist_sees_who_supervises_them_since_when(self) -> None:
        since = Supervision.objects.get(supervisor=self.sam, supervisee=self.tess).since
        day = formats.date_format(timezone.localtime(since), "DATE_FORMAT")
        self.login(self.tess)
        page = self.client.get(reverse("my_account"))
        self.assertContains(page, f"Supervised by Sam since {day}")
        self.login(self.sam)
        self.assertContains(
            self.client.get(reverse("my_account")), f"You supervise Tess since {day}"
        )
        self.login(self.otto)
        self.assertContains(
            self.client.get(reverse("my_account")), "Nobody supervises your caseload"
        )

    def test_the_account_page_is_linked_from_every_page(self) -> None:
        self.login(self.tess)
        self.assertContains(self.client.get(reverse("caseload")), reverse("my_account"))
