"""Typing helpers for views: the signed-in staff user of a request."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from strides.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


staff_required = login_required


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to the page the form was posted from (a `next` field), when it is on this site."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if target and safe else default)
