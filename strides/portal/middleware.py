"""The portal session: what a link's token is exchanged for.

It lives in the (otherwise anonymous) Django session under PORTAL_KEY and lasts
STRIDES_PORTAL_SESSION_MINUTES. While it is valid, only portal pages answer; every
other URL (staff pages, the API, anything added later) is refused. Portal pages are
sent with `Referrer-Policy: no-referrer`.
"""

from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

PORTAL_KEY = "strides_portal"
PORTAL_PREFIX = "/p/"
ALWAYS_ALLOWED = ("/static/", "/healthz")


def portal_state(request: HttpRequest) -> dict[str, object] | None:
    """The session's portal state while it is valid; an expired one is dropped."""
    state = request.session.get(PORTAL_KEY)
    if not isinstance(state, dict):
        return None
    until = datetime.fromisoformat(str(state.get("until", "")))
    if until <= timezone.now():
        del request.session[PORTAL_KEY]
        return None
    return state


class PortalSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        in_portal = request.path.startswith(PORTAL_PREFIX)
        if (
            not in_portal
            and not request.path.startswith(ALWAYS_ALLOWED)
            and PORTAL_KEY in request.session
            and portal_state(request) is not None
        ):
            response = render(request, "portal/not_here.html", status=403)
        else:
            response = self.get_response(request)
        if in_portal:
            response["Referrer-Policy"] = "no-referrer"
        return response
