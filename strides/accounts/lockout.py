"""Lockout after repeated failed sign-ins, counted from the audit trail itself.

Counting audit rows (rather than a cache) means every app server sees the same count,
and the evidence for a lockout is the very events an admin reads in the audit report.

Failures (wrong passwords and wrong two-factor codes alike) are counted three ways
within `STRIDES_LOCKOUT_MINUTES`:

- per username *and* source address (`STRIDES_LOCKOUT_FAILURES`): the usual lock, which
  a stranger elsewhere cannot trigger for someone else's account;
- per username from anywhere (`STRIDES_LOCKOUT_USERNAME_FAILURES`): a slower backstop
  against guessing from many addresses;
- per source address across usernames (`STRIDES_LOCKOUT_ADDRESS_FAILURES`): stops
  password spraying from one address.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from strides.audit.models import AuditEvent, Outcome
from strides.audit.services import audit_record
from strides.audit.source import current_source

if TYPE_CHECKING:
    from strides.accounts.models import User

LOGIN_FAILED = "login.failed"


def failure_label(username: str) -> str:
    """How a sign-in name is recorded in `actor_label` (and so counted)."""
    return username.lower()[:150]


@dataclass(frozen=True)
class Failures:
    """Recent failed sign-ins for one username and one source address."""

    pair: int
    username: int
    address: int

    @property
    def locked(self) -> bool:
        return (
            self.pair >= settings.STRIDES_LOCKOUT_FAILURES
            or self.username >= settings.STRIDES_LOCKOUT_USERNAME_FAILURES
            or self.address >= settings.STRIDES_LOCKOUT_ADDRESS_FAILURES
        )

    def limit_reached(self) -> str:
        """The limit this very failure reached (`username_address`, `username`,
        `address`), or "" when it reached none."""
        for limit, count, threshold in (
            ("username_address", self.pair, settings.STRIDES_LOCKOUT_FAILURES),
            ("username", self.username, settings.STRIDES_LOCKOUT_USERNAME_FAILURES),
            ("address", self.address, settings.STRIDES_LOCKOUT_ADDRESS_FAILURES),
        ):
            if count == threshold:
                return limit
        return ""


def recent_failures(username: str, address: str | None = None) -> Failures:
    """Count failures for `username` and `address` (default: the current request's)."""
    label = failure_label(username)
    source = (address if address is not None else current_source.get())[:64]
    since = timezone.now() - timedelta(minutes=settings.STRIDES_LOCKOUT_MINUTES)
    counts = AuditEvent.objects.filter(
        Q(actor_label=label) | Q(source=source), action=LOGIN_FAILED, at__gte=since
    ).aggregate(
        pair=Count("id", filter=Q(actor_label=label, source=source)),
        username=Count("id", filter=Q(actor_label=label)),
        address=Count("id", filter=Q(source=source)),
    )
    return Failures(**counts)


def is_locked_out(username: str, address: str | None = None) -> bool:
    return recent_failures(username, address).locked


def record_failure(*, username: str, stage: str) -> None:
    """One failed sign-in step (`password` or `two_factor`), audited and so counted."""
    label = failure_label(username)
    actor = get_user_model().objects.filter(username__iexact=label).first() if label else None
    audit_record(
        actor=actor,
        actor_label=label,
        action=LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        detail={"stage": stage},
    )
    limit = recent_failures(label).limit_reached() if label else ""
    if limit:
        audit_record(
            actor=actor,
            actor_label=label,
            action="login.locked_out",
            outcome=Outcome.DENIED,
            detail={"minutes": settings.STRIDES_LOCKOUT_MINUTES, "limit": limit},
        )


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
