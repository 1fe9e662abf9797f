"""The idle timeout of a signed-in (or portal) session, refreshed at most once a minute.

A session ends `SESSION_COOKIE_AGE` seconds (`STRIDES_IDLE_MINUTES`) after it was last
saved. Saving it on every request (`SESSION_SAVE_EVERY_REQUEST`) cost each page a write
transaction of its own, with SQLite's fsync, for a timeout counted in minutes; instead a
request saves it only when its last refresh is `STRIDES_SESSION_REFRESH_SECONDS` (60) or
more ago. A session therefore ends between the idle time minus that minute and the idle
time after its last request. A session that is changed (sign-in, a portal answer, a
message) is saved as before, whatever its age.
"""

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from strides.web.unavailable import ReadKeepingSessionMiddleware

REFRESHED_AT = "_strides_refreshed_at"  # when the session's expiry was last moved on


def _mark_refresh_if_due(request: HttpRequest) -> None:
    """Mark the request's session for saving if its expiry was last moved on a minute or
    more ago; an anonymous visitor's empty session is never created by this."""
    session = getattr(request, "session", None)
    if session is None or not session.accessed or session.is_empty():
        return
    now = int(time.time())
    if now - int(session.get(REFRESHED_AT, 0)) >= settings.STRIDES_SESSION_REFRESH_SECONDS:
        session[REFRESHED_AT] = now


class IdleSessionMiddleware(ReadKeepingSessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        _mark_refresh_if_due(request)
        return super().process_response(request, response)
