"""Typing helpers for views: the signed-in staff user of a request."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from strides.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


staff_required = login_required
