import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from strides.accounts.models import Role
from strides.web.requests import AuthedRequest, staff_required

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: "ok", or "unavailable" (503) when the database does not answer.

    The caller is anonymous, so the reason stays in the server log, never in the reply.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("healthz: database unavailable: %s", error)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@staff_required
def home(request: AuthedRequest) -> HttpResponse:
    if request.user.role == Role.ADMIN:
        return redirect("staff_list")
    return redirect("caseload")
