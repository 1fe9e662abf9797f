"""Every sign-in, sign-out and failed sign-in (password or two-factor code) is audited."""

from typing import Any

from allauth.mfa.signals import authentication_failed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from strides.accounts.lockout import record_failure
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
    username = str(credentials.get("username") or credentials.get("login") or "")
    record_failure(username=username, stage="password")


@receiver(authentication_failed)
def audit_code_failure(sender: Any, user: User, **kwargs: Any) -> None:
    record_failure(username=user.get_username(), stage="two_factor")
