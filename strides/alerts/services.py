"""Storing the engine's alerts once each, and what a therapist does with them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.accounts.permissions import require_write
from strides.alerts.models import Alert, AlertAction, AlertStatus
from strides.audit.services import audit_record
from strides.clients.models import Episode
from strides.outcomes.models import EpisodeProgress
from strides.progress import Alert as DetectedAlert


def alerts_sync(*, actor: User | None, episode: Episode, detected: list[DetectedAlert]) -> int:
    """Store every detected alert the episode does not have yet; return how many were new.

    Existing alerts are never changed or removed: what was raised stays raised, with the
    evidence it had, until a person acknowledges or resolves it.
    """
    known = set(episode.alerts.values_list("key", flat=True))
    new = [
        Alert(
            episode=episode,
            kind=a.kind,
            key=a.key,
            instrument=a.instrument or "",
            source_id=a.source_id,
            occurred_on=a.when,
            evidence=a.evidence,
            summary=a.summary,
            immediate=a.immediate,
        )
        for a in detected
        if a.key not in known
    ]
    for alert in new:
        alert.save()
        audit_record(
            actor=actor,
            action="alert.raise",
            client=episode.client,
            obj=alert,
            detail={"kind": alert.kind, "key": alert.key},
        )
    return len(new)


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert, action: str, note: str = "") -> Alert:
    """Record who acknowledged the alert, when, and what was done next."""
    require_write(actor=actor, episode=alert.episode, action="alert.acknowledge")
    if action not in AlertAction.values:
        raise ValidationError(_("Choose what was done."))
    if action == AlertAction.OTHER and not note.strip():
        raise ValidationError(_("Say what was done."))
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = actor
    alert.acknowledged_at = timezone.now()
    alert.action = action
    alert.action_note = note.strip()
    alert.snoozed_until = None
    alert.save()
    audit_record(
        actor=actor,
        action="alert.acknowledge",
        client=alert.episode.client,
        obj=alert,
        detail={"action": action},
    )
    refresh_open_counts(alert.episode)
    return alert


@transaction.atomic
def alert_snooze(*, actor: User, alert: Alert, until: date) -> Alert:
    """Hide a non-risk alert from the attention list until a date. Risk never snoozes."""
    require_write(actor=actor, episode=alert.episode, action="alert.snooze")
    if alert.immediate:
        raise ValidationError(_("A risk alert cannot be snoozed."))
    if until <= timezone.localdate():
        raise ValidationError(_("Snooze until a later day."))
    alert.snoozed_until = until
    alert.save(update_fields=["snoozed_until"])
    audit_record(
        actor=actor,
        action="alert.snooze",
        client=alert.episode.client,
        obj=alert,
        detail={"until": until.isoformat()},
    )
    return alert


@transaction.atomic
def alert_resolve(*, actor: User, alert: Alert) -> Alert:
    require_write(actor=actor, episode=alert.episode, action="alert.resolve")
    if alert.status == AlertStatus.OPEN:
        raise ValidationError(_("Acknowledge the alert, with what was done, before resolving it."))
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = timezone.now()
    alert.save(update_fields=["status", "resolved_at"])
    audit_record(actor=actor, action="alert.resolve", client=alert.episode.client, obj=alert)
    refresh_open_counts(alert.episode)
    return alert


def refresh_open_counts(episode: Episode) -> None:
    """Keep the episode summary's open-alert figures in step with the alerts."""
    open_alerts = episode.alerts.filter(status=AlertStatus.OPEN)
    EpisodeProgress.objects.filter(episode=episode).update(
        open_alerts=open_alerts.count(), has_open_risk=open_alerts.filter(immediate=True).exists()
    )
