"""Bearer authentication for the API: the token's user becomes `request.user`."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from strides.api.models import AccessToken
from strides.api.selectors import token_for_raw

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON = "application/json"


class UnsupportedMediaType(Exception):
    """A request body that is not JSON (415)."""


class ReadOnlyToken(Exception):
    """A write with a token whose scope is read (403)."""


class TokenAuth(HttpBearer):
    """A usable personal access token; a read token only reads, and a body must be
    JSON (checked here because authentication runs before the body is parsed)."""

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = token_for_raw(token)
        if found is None:
            return None
        request.user = found.user
        if request.method not in SAFE_METHODS:
            if not found.can_write:
                raise ReadOnlyToken
            if request.content_type != JSON:
                raise UnsupportedMediaType
        return found
