"""Every sign-in, sign-out and failed sign-in becomes an audit event."""

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from strides.accounts.lockout import LOGIN_FAILED, recent_failures
from strides.accounts.models import User
from strides.audit.models import Outcome
from strides.audit.services import audit_record


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action="login.succeeded", outcome=Outcome.SUCCESS)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="logout", outcome=Outcome.SUCCESS)


@receiver(user_login_failed)
def audit_login_failure(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    username = str(credentials.get("username") or credentials.get("login") or "").lower()
    actor = User.objects.filter(username__iexact=username).first() if username else None
    audit_record(actor=actor, actor_label=username, action=LOGIN_FAILED, outcome=Outcome.FAILURE)
    if username and recent_failures(username) == settings.STRIDES_LOCKOUT_FAILURES:
        audit_record(
            actor=actor,
            actor_label=username,
            action="login.locked_out",
            outcome=Outcome.DENIED,
            detail={"minutes": settings.STRIDES_LOCKOUT_MINUTES},
        )
