"""Where the current action comes from (client IP address, or the command line)."""

from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

current_source: ContextVar[str] = ContextVar("current_source", default="cli")


def client_address(request: HttpRequest) -> str:
    """The caller's address: the one a trusted proxy appended, else the socket's peer."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.STRIDES_TRUSTED_PROXY and forwarded:
        return forwarded.split(",")[-1].strip()[:64] or "unknown"
    return request.META.get("REMOTE_ADDR", "") or "unknown"
