"""Reading personal access tokens: a user's own list, and the token behind a request."""

from datetime import timedelta

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from strides.accounts.models import User
from strides.api.models import AccessToken
from strides.api.services import TOKEN_PREFIX, token_hash

# Writing `last_used_at` on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def tokens_of(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user)


def own_token(*, user: User, token_id: int) -> AccessToken:
    return get_object_or_404(AccessToken, pk=token_id, user=user)


def token_for_raw(raw: str) -> AccessToken | None:
    """The usable token with this value, for an active account; None otherwise."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(token_hash=token_hash(raw), user__is_active=True)
        .first()
    )
    if token is None or not token.is_usable:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def bearer_token(request: HttpRequest) -> AccessToken | None:
    """The usable token sent as `Authorization: Bearer ...`, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _space, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return token_for_raw(raw.strip())
