"""Personal access tokens: stored only hashed, shown once, scoped, expiring, revocable;
made on the account page or with `strides token create`."""

import hashlib
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from strides.api.models import AccessToken
from strides.api.selectors import token_for_raw
from strides.api.services import token_create
from tests.base import PersonaTestCase


class TokenTests(PersonaTestCase):
    def test_only_the_hash_is_stored(self) -> None:
        token, raw = token_create(actor=self.tess, user=self.tess, name="script", write=False)
        self.assertEqual(token.token_hash, hashlib.sha256(raw.encode()).hexdigest())
        self.assertFalse(AccessToken.objects.filter(token_hash=raw).exists())
        self.assertNotIn(raw, str(AccessToken.objects.values().get(pk=token.pk)))
        self.assertEqual(token_for_raw(raw), token)

    def test_an_expired_token_or_an_inactive_account_does_nothing(self) -> None:
        token, raw = token_create(actor=self.tess, user=self.tess, name="old", write=False)
        AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
        self.assertIsNone(token_for_raw(raw))
        _token, fresh = token_create(actor=self.tess, user=self.tess, name="new", write=False)
        self.tess.is_active = False
        self.tess.save()
        self.assertIsNone(token_for_raw(fresh))

    def test_nobody_makes_a_token_for_someone_else(self) -> None:
        with self.assertRaises(Http404):
            token_create(actor=self.otto, user=self.tess, name="x", write=True)

    def test_command_prints_the_token_once_on_its_own_line(self) -> None:
        out, err = StringIO(), StringIO()
        call_command("token", "create", "--user", "tess", "--write", stdout=out, stderr=err)
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 1)
        token = token_for_raw(lines[0])
        assert token is not None
        self.assertEqual((token.user, token.scope), (self.tess, "write"))
        self.assertNotIn(lines[0], err.getvalue())
        with self.assertRaises(CommandError):
            call_command("token", "create", "--user", "nobody", stdout=StringIO())

    def test_account_page_creates_shows_once_and_revokes(self) -> None:
        self.login(self.tess)
        page = self.client.post(reverse("api_tokens"), {"name": "reports", "days": 30})
        self.assertEqual(page.status_code, 200)
        raw = page.context["new_token"]
        self.assertContains(page, raw)
        token = token_for_raw(raw)
        assert token is not None
        self.assertEqual(token.scope, "read")
        again = self.client.get(reverse("api_tokens"))
        self.assertNotContains(again, raw)
        self.assertContains(again, token.prefix)
        api = HttpClient(headers={"Authorization": f"Bearer {raw}"})
        self.assertEqual(api.get("/api/v1/clients").status_code, 200)
        self.client.post(reverse("api_token_revoke"), {"token": token.pk})
        self.assertEqual(api.get("/api/v1/clients").status_code, 401)

    def test_stranger_cannot_revoke_someone_elses_token(self) -> None:
        token, _raw = token_create(actor=self.tess, user=self.tess, name="mine", write=False)
        self.login(self.otto)
        response = self.client.post(reverse("api_token_revoke"), {"token": token.pk})
        self.assertEqual(response.status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)
