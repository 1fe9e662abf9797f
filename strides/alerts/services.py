"""Storing the engine's alerts (one open per kind and measure, closing by themselves
when their condition clears), and what a therapist does with them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.accounts.permissions import require_alert_handler
from strides.alerts.models import Alert, AlertAction, AlertStatus
from strides.audit.services import audit_record
from strides.clients.models import Episode
from strides.crypto import encrypt_text
from strides.outcomes.models import EpisodeProgress
from strides.progress import Alert as DetectedAlert
from strides.progress.alerts import SELF_CLOSING_KINDS, AlertReading
from strides.progress.events import Evidence
from strides.text_limits import check_length

ACTION_NOTE_MAX = 1000


def _is_live(alert: Alert) -> bool:
    """The alert a newer detection of its kind and measure updates. For self-closing kinds
    an acknowledged alert is still live (it closes when its condition clears); a risk
    alert stops being live once a person acknowledged it, so a newer risk opens anew."""
    if alert.status == AlertStatus.OPEN:
        return True
    return alert.status == AlertStatus.ACKNOWLEDGED and alert.kind in SELF_CLOSING_KINDS


def _audit(actor: User | None, action: str, episode: Episode, alert: Alert) -> None:
    audit_record(
        actor=actor,
        action=action,
        client=episode.client,
        obj=alert,
    )


def _update(alert: Alert, *, key: str, evidence: Evidence, summary: str, latest_on: date) -> bool:
    """Give a live alert a newer detection's evidence; False when nothing changed."""
    merged = (
        alert.merged_keys
        if key == alert.key or key in alert.merged_keys
        else [
            *alert.merged_keys,
            key,
        ]
    )
    changed = (alert.evidence, alert.summary, alert.latest_on, alert.merged_keys) != (
        evidence,
        summary,
        latest_on,
        merged,
    )
    alert.evidence, alert.summary, alert.latest_on, alert.merged_keys = (
        evidence,
        summary,
        latest_on,
        merged,
    )
    return changed


def alerts_sync(*, actor: User | None, episode: Episode, reading: AlertReading) -> int:
    """Bring the episode's stored alerts in line with what the engine reads now; return
    how many were opened.

    One live alert per kind and measure: a newer detection updates it instead of
    stacking a new row. Risk alerts are stored from `reading.raised` and never close by
    themselves. Self-closing kinds follow `reading.now`: opened (or reopened, when the
    same run comes back after a correction) while their condition holds, updated with
    the latest numbers, and closed with the engine's reason when it no longer holds.
    An alert a person resolved stays resolved for its run. Called inside
    `progress_refresh`'s transaction.
    """
    stored = list(episode.alerts.all())
    by_key = {key: alert for alert in stored for key in (alert.key, *alert.merged_keys)}
    live = {(a.kind, a.instrument): a for a in stored if _is_live(a)}
    opened = 0

    def open_new(detected: DetectedAlert, evidence: Evidence, summary: str, latest: date) -> None:
        nonlocal opened
        alert = Alert.objects.create(
            episode=episode,
            kind=detected.kind,
            key=detected.key,
            instrument=detected.instrument or "",
            source_id=detected.source_id,
            occurred_on=detected.when,
            latest_on=latest,
            evidence=evidence,
            summary=summary,
            immediate=detected.immediate,
        )
        live[(alert.kind, alert.instrument)] = by_key[alert.key] = alert
        opened += 1
        _audit(actor, "alert.raise", episode, alert)

    for detected in reading.raised:
        if detected.kind in SELF_CLOSING_KINDS or detected.key in by_key:
            continue
        current = live.get((detected.kind, detected.instrument or ""))
        if current is None:
            open_new(detected, detected.evidence, detected.summary, detected.when)
            continue
        _update(
            current,
            key=detected.key,
            evidence=detected.evidence,
            summary=detected.summary,
            latest_on=max(current.latest_on, detected.when),
        )
        current.source_id = detected.source_id
        current.save()
        by_key[detected.key] = current
        _audit(actor, "alert.update", episode, current)

    raised = {detected.key: detected for detected in reading.raised}
    for condition in reading.now:
        current = live.get((condition.kind, condition.instrument or ""))
        if not condition.holds:
            if current is not None:
                current.status = AlertStatus.CLOSED
                current.closed_on = condition.when
                current.closed_at = timezone.now()
                current.close_reason = condition.summary
                current.snoozed_until = None
                current.save()
                del live[(current.kind, current.instrument)]
                _audit(actor, "alert.close", episode, current)
            continue
        if current is not None:
            if _update(
                current,
                key=condition.key,
                evidence=condition.evidence,
                summary=condition.summary,
                latest_on=condition.when,
            ):
                current.save()
                _audit(actor, "alert.update", episode, current)
            continue
        earlier = by_key.get(condition.key)
        if earlier is None:
            open_new(raised[condition.key], condition.evidence, condition.summary, condition.when)
        elif earlier.status == AlertStatus.CLOSED:
            # The same run holds again (an earlier score was corrected): reopen it.
            _update(
                earlier,
                key=condition.key,
                evidence=condition.evidence,
                summary=condition.summary,
                latest_on=condition.when,
            )
            earlier.status = AlertStatus.OPEN
            earlier.closed_on = earlier.closed_at = None
            earlier.close_reason = ""
            earlier.save()
            live[(earlier.kind, earlier.instrument)] = earlier
            _audit(actor, "alert.reopen", episode, earlier)
    return opened


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert, action: str, note: str = "") -> Alert:
    """Record who acknowledged the alert, when, and what was done next."""
    require_alert_handler(actor=actor, episode=alert.episode, action="alert.acknowledge")
    if alert.status in (AlertStatus.CLOSED, AlertStatus.RESOLVED):
        raise ValidationError(_("This alert is already closed."))
    if action not in AlertAction.values:
        raise ValidationError(_("Choose what was done."))
    if action == AlertAction.OTHER and not note.strip():
        raise ValidationError(_("Say what was done."))
    check_length(note.strip(), ACTION_NOTE_MAX)
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = actor
    alert.acknowledged_at = timezone.now()
    alert.action = action
    alert.action_note_encrypted = encrypt_text(note.strip()) if note.strip() else ""
    alert.snoozed_until = None
    alert.save()
    audit_record(actor=actor, action="alert.acknowledge", client=alert.episode.client, obj=alert)
    refresh_open_counts(alert.episode)
    return alert


@transaction.atomic
def alert_snooze(*, actor: User, alert: Alert, until: date) -> Alert:
    """Hide a non-risk alert from the attention list until a date. Risk never snoozes."""
    require_alert_handler(actor=actor, episode=alert.episode, action="alert.snooze")
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
    require_alert_handler(actor=actor, episode=alert.episode, action="alert.resolve")
    if alert.status == AlertStatus.OPEN:
        raise ValidationError(_("Acknowledge the alert, with what was done, before resolving it."))
    if alert.status != AlertStatus.ACKNOWLEDGED:
        raise ValidationError(_("This alert is already closed."))
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
