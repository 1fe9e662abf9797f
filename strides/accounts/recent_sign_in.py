"""A sign-in within the last minutes, for the most powerful actions (break-glass).

"Signed in" counts the sign-in itself (`last_login`) and every later password or
two-factor confirmation on the reauthenticate page (allauth's records in the session).
Older than `STRIDES_RECENT_SIGN_IN_MINUTES`, the person confirms their password first and
comes back to the page they asked for.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def signed_in_recently(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    times = [float(record.get("at", 0)) for record in get_authentication_records(request, user)]
    if user.last_login is not None:
        times.append(user.last_login.timestamp())
    return bool(times) and time.time() - max(times) < settings.STRIDES_RECENT_SIGN_IN_MINUTES * 60


def recent_sign_in_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not signed_in_recently(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('account_reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
