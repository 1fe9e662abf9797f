"""Kiosk mode: a six-character code the therapist shows from the client page, typed on
the waiting room's tablet. It lasts 15 minutes and allows 5 tries (the tries count for
every wrong code from that tablet's address, and against a code typed nearly right)."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from strides.accounts.models import User
from strides.accounts.permissions import require_write
from strides.audit.models import Outcome
from strides.audit.services import audit_record
from strides.portal.models import Invitation, KioskCode, TokenAttempt
from strides.portal.services import PORTAL_ACTOR, refusal_reason
from strides.portal.tokens import kiosk_hash, new_kiosk_code

KIOSK_MINUTES = 15
KIOSK_TRIES = 5


def kiosk_code_create(*, actor: User, invitation: Invitation) -> str:
    """A fresh code for an open invitation (replacing an earlier one)."""
    require_write(actor=actor, episode=invitation.episode, action="kiosk.create")
    code = new_kiosk_code()
    with transaction.atomic():
        KioskCode.objects.update_or_create(
            invitation=invitation,
            defaults={
                "code_hash": kiosk_hash(code),
                "expires_at": timezone.now() + timedelta(minutes=KIOSK_MINUTES),
                "tries": 0,
                "used_at": None,
            },
        )
        audit_record(
            actor=actor, action="kiosk.create", client=invitation.episode.client, obj=invitation
        )
    return code


def kiosk_open(*, code: str, address: str) -> Invitation | None:
    """The invitation a code opens, once; None for a wrong, used or expired code, or when
    this address has made KIOSK_TRIES wrong tries in the last 15 minutes."""
    now = timezone.now()
    window = now - timedelta(minutes=KIOSK_MINUTES)
    with transaction.atomic():
        wrong = TokenAttempt.objects.filter(
            address=f"kiosk:{address}"[:64], at__gt=window, succeeded=False
        ).count()
        found = (
            KioskCode.objects.select_related("invitation__episode__client")
            .filter(code_hash=kiosk_hash(code))
            .first()
        )
        reason = ""
        if wrong >= KIOSK_TRIES:
            reason = "rate_limited"
        elif found is None:
            reason = "unknown"
        elif found.used_at is not None or found.expires_at <= now:
            reason = "expired"
        elif found.tries >= KIOSK_TRIES:
            reason = "too_many_tries"
        else:
            reason = refusal_reason(found.invitation, now)
        if not reason and found is not None:
            if not KioskCode.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=now):
                reason = "used"
        elif found is not None:
            KioskCode.objects.filter(pk=found.pk).update(tries=F("tries") + 1)
        TokenAttempt.objects.create(address=f"kiosk:{address}"[:64], at=now, succeeded=not reason)
        audit_record(
            actor=None,
            actor_label=PORTAL_ACTOR,
            action="kiosk.open",
            outcome=Outcome.DENIED if reason else Outcome.ALLOWED,
            client=found.invitation.episode.client if found is not None else None,
            detail={"reason": reason} if reason else None,
        )
    if reason or found is None:
        return None
    return found.invitation
