"""Lockout after repeated failed logins, counted from the audit trail itself.

Counting audit rows (rather than a cache) means every app server sees the same count,
and the evidence for a lockout is the very events an admin reads in the audit report.
"""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from strides.audit.models import AuditEvent

if TYPE_CHECKING:
    from strides.accounts.models import User

LOGIN_FAILED = "login.failed"


def recent_failures(username: str) -> int:
    since = timezone.now() - timedelta(minutes=settings.STRIDES_LOCKOUT_MINUTES)
    return AuditEvent.objects.filter(
        action=LOGIN_FAILED, actor_label=username.lower()[:150], at__gte=since
    ).count()


def is_locked_out(username: str) -> bool:
    return recent_failures(username) >= settings.STRIDES_LOCKOUT_FAILURES


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing a username with too many recent failures.

    A locked-out attempt fails exactly like a wrong password, so the response says
    nothing about whether the account exists or is locked.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> "User | None":
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username and is_locked_out(username):
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
