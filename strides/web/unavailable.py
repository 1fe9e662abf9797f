"""A clear 503 page, not a 500, when the database cannot be reached or cannot take a write.

While PostgreSQL restarts, or SQLite's disk is full, a request that needs the database
fails with `OperationalError` / `InterfaceError`. Its transaction is rolled back, so the
person is told plainly that nothing was saved and to try again; the next request opens a
fresh connection (`CONN_HEALTH_CHECKS`), so Strides serves again as soon as the database
does, without a restart. Exceptions in a view reach `DatabaseUnavailableMiddleware`;
those raised in other middleware (loading or saving the session) reach `server_error`,
the 500 handler, which answers the same way.

The page is rendered without the request: the session and the signed-in user live in
the database that is not answering.
"""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def _storage_full(error: BaseException) -> bool:
    text = str(error).lower()
    return "disk is full" in text or "no space left" in text or "disk full" in text


def unavailable_response(error: BaseException) -> HttpResponse:
    full = _storage_full(error)
    # The kind of failure only: a database error's text can quote a query's values.
    logger.warning("database unavailable (%s): answered 503", "storage full" if full else "no connection")
    response = HttpResponse(
        render_to_string("unavailable.html", {"storage_full": full}), status=503
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
            return unavailable_response(exception)
        return None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable_response(error)
    return defaults.server_error(request, template_name)
