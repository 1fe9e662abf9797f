"""A clear 503 page, not a 500, when the database cannot be reached or cannot take a write.

While PostgreSQL restarts, or SQLite's disk is full, a request that needs the database
fails with `OperationalError` / `InterfaceError`. Its transaction is rolled back, so the
person is told plainly that nothing was saved and to try again; the next request opens a
fresh connection (`CONN_HEALTH_CHECKS`), so Strides serves again as soon as the database
does, without a restart. Exceptions in a view reach `DatabaseUnavailableMiddleware`;
those raised in other middleware (loading or saving the session) reach `server_error`,
the 500 handler, which answers the same way. A page that only reads is not held up by
the session's refresh when the database takes reads but not writes (a full disk):
`ReadKeepingSessionMiddleware`. A page showing a client's record still needs its audit
event written (no access goes unrecorded), so on a full disk it too gets this page.

The page is rendered without the request: the session and the signed-in user live in
the database that is not answering.
"""

import logging
import sys
from collections.abc import Callable

from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def _storage_full(error: BaseException) -> bool:
    """SQLite could not write its files: a full disk shows as SQLITE_FULL, or as an I/O
    error when the write-ahead log cannot grow."""
    name = str(getattr(error.__cause__, "sqlite_errorname", ""))
    text = str(error).lower()
    return name.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or "disk is full" in text


def unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    full = _storage_full(error)
    # The kind of failure only: a database error's text can quote a query's values.
    logger.warning(
        "database unavailable (%s): answered 503", "storage full" if full else "no connection"
    )
    response = HttpResponse(
        render_to_string(
            "unavailable.html",
            {"storage_full": full, "reading": request.method in ("GET", "HEAD")},
        ),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable_response(request, exception)
        return None


class ReadKeepingSessionMiddleware(SessionMiddleware):
    """Django's session middleware, except that a page that only reads still answers when
    the database cannot take the session's save (strides.web.sessions refreshes the idle
    timeout once a minute; on a full disk that write fails). The session keeps its
    earlier expiry. Any other request whose session cannot be saved gets the 503 page: it
    is not acknowledged (a write it made is found again by its idempotency key)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except (*DATABASE_ERRORS, SessionInterrupted) as error:
            # The database session backend turns a failed save into SessionInterrupted (a
            # 400); underneath it is the database error.
            cause = _database_error(error) or error
            if request.method in ("GET", "HEAD"):
                logger.warning("session not refreshed: the database cannot take writes")
                return response
            return unavailable_response(request, cause)


def _database_error(error: BaseException | None) -> BaseException | None:
    while error is not None and not isinstance(error, DATABASE_ERRORS):
        error = error.__cause__ or error.__context__
    return error


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable_response(request, error)
    return defaults.server_error(request, template_name)
