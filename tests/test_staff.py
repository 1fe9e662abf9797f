"""Staff administration: admins create and edit accounts, each change audited."""

from django.urls import reverse

from strides.accounts.models import Role, User
from strides.audit.models import AuditEvent
from tests.base import PASSWORD, PersonaTestCase


class StaffAdministrationTests(PersonaTestCase):
    def test_admin_creates_an_account_that_can_sign_in(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            reverse("staff_new"),
            {
                "username": "nia",
                "first_name": "Nia",
                "last_name": "North",
                "email": "nia@example.invalid",
                "role": Role.THERAPIST,
                "password": PASSWORD,
            },
        )
        self.assertRedirects(response, reverse("staff_list"))
        nia = User.objects.get(username="nia")
        self.assertEqual((nia.role, nia.display()), (Role.THERAPIST, "Nia North"))
        self.assertTrue(nia.check_password(PASSWORD))
        self.assertTrue(AuditEvent.objects.filter(action="user.create", actor=self.admin).exists())
        self.assertContains(self.client.get(reverse("staff_list")), "Nia North")

    def test_a_taken_username_or_weak_password_is_refused(self) -> None:
        self.login(self.admin)
        for username, password, message in (
            ("TESS", PASSWORD, "That username is taken."),
            ("nia", "1234567890", "This password is too common."),
        ):
            response = self.client.post(
                reverse("staff_new"),
                {"username": username, "role": Role.THERAPIST, "password": password},
            )
            self.assertContains(response, message)
        self.assertFalse(User.objects.filter(username="nia").exists())

    def test_admin_edits_role_and_supervisees(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            reverse("staff_edit", args=[self.sam.pk]),
            {"role": Role.SUPERVISOR, "is_active": "on", "supervisees": [self.otto.pk]},
        )
        self.assertRedirects(response, reverse("staff_list"))
        self.assertEqual(list(self.sam.supervisees.all()), [self.otto])
        event = AuditEvent.objects.get(action="user.update")
        self.assertEqual(event.detail, '{"is_active": true, "role": "supervisor"}')

    def test_only_supervisors_supervise_and_only_therapists_are_supervised(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            reverse("staff_edit", args=[self.otto.pk]),
            {"role": Role.THERAPIST, "is_active": "on", "supervisees": [self.tess.pk]},
        )
        self.assertContains(response, "Only a supervisor can have supervisees.")
        self.assertFalse(self.otto.supervisees.exists())

    def test_admin_deactivates_an_account_without_open_episodes(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            reverse("staff_edit", args=[self.sam.pk]), {"role": Role.SUPERVISOR}
        )
        self.assertRedirects(response, reverse("staff_list"))
        self.sam.refresh_from_db()
        self.assertFalse(self.sam.is_active)
        self.client.logout()
        self.assertFalse(self.client.login(username="sam", password=PASSWORD))

    def test_stranger_gets_404_on_every_staff_page(self) -> None:
        urls = [
            reverse("staff_list"),
            reverse("staff_new"),
            reverse("staff_edit", args=[self.tess.pk]),
        ]
        for persona in (self.tess, self.sam):
            self.login(persona)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 404, url)
                self.assertEqual(self.client.post(url, {"role": Role.ADMIN}).status_code, 404, url)
        self.tess.refresh_from_db()
        self.assertEqual(self.tess.role, Role.THERAPIST)

    def test_everyone_has_an_account_page(self) -> None:
        for persona in (self.tess, self.sam, self.admin):
            self.login(persona)
            self.assertContains(self.client.get(reverse("my_account")), persona.username)
