"""The clinic-wide export's extra bar: an admin with two-factor who signed in recently.

allauth keeps, in the session, a record of every authentication step of this sign-in
(password, two-factor code, re-authentication), each with its time (`at`, epoch
seconds). The newest of them is "the last sign-in" of this session; `User.last_login`
is not used, because it may come from another browser.
"""

import time

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest

from strides.accounts.models import User

NEEDS_TWO_FACTOR = (
    "A clinic-wide export needs two-factor sign-in. Set up an authenticator app under "
    "Security, sign in again with it, then come back to Exports."
)
NEEDS_RECENT_SIGN_IN = (
    "A clinic-wide export needs a sign-in within the last {minutes} minutes, and yours "
    "was earlier. Confirm it is you (sign in again), then download the export."
)


def last_signed_in_at(request: HttpRequest, user: User) -> float | None:
    """When this session last authenticated the user (epoch seconds), or None."""
    times = [
        record["at"]
        for record in get_authentication_records(request, user)
        if isinstance(record.get("at"), int | float)
    ]
    return max(times) if times else None


def clinic_export_refusal(request: HttpRequest, user: User) -> str:
    """Why this admin may not export the clinic now ("" when they may)."""
    if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
        return NEEDS_TWO_FACTOR
    minutes = settings.STRIDES_EXPORT_SIGN_IN_MINUTES
    signed_in = last_signed_in_at(request, user)
    if signed_in is None or time.time() - signed_in > minutes * 60:
        return NEEDS_RECENT_SIGN_IN.format(minutes=minutes)
    return ""
