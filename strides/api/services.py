"""Creating and revoking personal access tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.api.models import AccessToken, TokenScope
from strides.audit.services import audit_record

TOKEN_PREFIX = "strides_"  # noqa: S105 (a marker that says what the token is, not a secret)
MAX_DAYS = 366


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor: User, user: User, name: str, write: bool, days: int = 90
) -> tuple[AccessToken, str]:
    """A new token for `user` (made by themselves, or by `strides token create`), and
    the token itself, which is shown once and never stored."""
    if actor.pk != user.pk:
        raise Http404("No such account.")
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name, so you can tell it apart later."))
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(_("A token lasts from 1 to %(max)d days.") % {"max": MAX_DAYS})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name[:80],
        prefix=raw[: len(TOKEN_PREFIX) + 4],
        token_hash=token_hash(raw),
        scope=TokenScope.WRITE if write else TokenScope.READ,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(actor=actor, action="token.create", obj=token, detail={"scope": token.scope})
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: AccessToken) -> AccessToken:
    if token.user_id != actor.pk:
        raise Http404("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", obj=token)
    return token
