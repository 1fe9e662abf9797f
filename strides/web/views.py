from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from strides.accounts.models import Role
from strides.web.requests import AuthedRequest, staff_required


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": str(error)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@staff_required
def home(request: AuthedRequest) -> HttpResponse:
    if request.user.role == Role.ADMIN:
        return redirect("staff_list")
    return redirect("caseload")
