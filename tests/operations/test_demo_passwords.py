"""`strides demo` on a seeded database changes no password unless --reset-passwords."""

import io
import json
import os
from unittest import mock

from django.core.management import call_command
from django.test import TestCase

from strides.accounts.models import User
from strides.audit.models import AuditEvent
from strides.audit.verify import verify_chain
from strides.demo.seed import seed_demo

FIRST = "first-demo-password"
SECOND = "second-demo-password"


class DemoPasswordTests(TestCase):
    def setUp(self) -> None:
        seed_demo(password=FIRST, n_clients=3, seed=1)

    def demo(self, *args: str) -> str:
        out = io.StringIO()
        with mock.patch.dict(os.environ, {"STRIDES_DEMO_PASSWORD": SECOND}):
            call_command("demo", "--no-serve", *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def test_seeded_database_keeps_its_passwords(self) -> None:
        text = self.demo()
        self.assertIn("passwords unchanged", text)
        self.assertIn("--reset-passwords", text)
        for user in User.objects.all():
            self.assertTrue(user.check_password(FIRST), user.username)
        self.assertFalse(AuditEvent.objects.filter(action="demo.reset_passwords").exists())

    def test_reset_passwords_changes_them_and_is_audited_with_ids_only(self) -> None:
        text = self.demo("--reset-passwords")
        self.assertIn(f"password: {SECOND}", text)
        for user in User.objects.all():
            self.assertTrue(user.check_password(SECOND), user.username)
        event = AuditEvent.objects.get(action="demo.reset_passwords")
        ids = sorted(User.objects.values_list("pk", flat=True))
        self.assertEqual(json.loads(event.detail), {"user_ids": ids})
        self.assertEqual(event.actor_label, "demo-seeder")
        self.assertTrue(verify_chain().ok)
