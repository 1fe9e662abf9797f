"""Storing the engine's milestones once each, recording them by hand, celebrating them."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.accounts.permissions import require_write
from strides.audit.services import audit_record
from strides.clients import dates
from strides.clients.models import Episode
from strides.crypto import encrypt_text
from strides.milestones.models import CelebrationMessage, Milestone
from strides.progress import Milestone as DetectedMilestone
from strides.text_limits import check_length

SUMMARY_MAX_LENGTH = 500


def milestone_values(detected: DetectedMilestone) -> dict[str, Any]:
    """The stored columns of a milestone the engine detected (summary encrypted)."""
    return {
        "kind": detected.kind,
        "key": detected.key,
        "instrument": detected.instrument or "",
        "source_id": detected.source_id,
        "occurred_on": detected.when,
        "evidence": detected.evidence,
        "summary_encrypted": encrypt_text(detected.summary),
    }


def milestone_row(*, episode: Episode, detected: DetectedMilestone) -> Milestone:
    """The unsaved row that stores a milestone the engine detected."""
    return Milestone(episode=episode, **milestone_values(detected))


def milestones_sync(
    *, actor: User | None, episode: Episode, detected: list[DetectedMilestone]
) -> int:
    """Store each detected milestone the episode does not have yet (once per episode),
    unless milestones are switched off for the client. Returns how many were new."""
    if not episode.client.milestones_enabled:
        return 0
    known = set(episode.milestones.values_list("key", flat=True))
    new = [milestone_row(episode=episode, detected=m) for m in detected if m.key not in known]
    for milestone in new:
        milestone.save()
        audit_record(actor=actor, action="milestone.detect", client=episode.client, obj=milestone)
    return len(new)


@transaction.atomic
def milestone_record(
    *, actor: User, episode: Episode, summary: str, occurred_on: date
) -> Milestone:
    """A milestone the therapist noticed themselves ("back at work")."""
    require_write(actor=actor, episode=episode, action="milestone.record")
    text = summary.strip()
    if not text:
        raise ValidationError(_("Describe the milestone in a few words."))
    check_length(text, SUMMARY_MAX_LENGTH)
    dates.entry_rule(episode).check(occurred_on)
    count = episode.milestones.filter(manual=True).count()
    milestone = Milestone.objects.create(
        episode=episode,
        kind="manual",
        key=f"manual:{count + 1}",
        occurred_on=occurred_on,
        evidence={"recorded_by": actor.username},
        summary_encrypted=encrypt_text(text),
        manual=True,
    )
    audit_record(actor=actor, action="milestone.record", client=episode.client, obj=milestone)
    return milestone


@transaction.atomic
def milestone_celebrate(*, actor: User, milestone: Milestone) -> Milestone:
    require_write(actor=actor, episode=milestone.episode, action="milestone.celebrate")
    if milestone.celebrated_at is None:
        milestone.celebrated_by = actor
        milestone.celebrated_at = timezone.now()
        milestone.save(update_fields=["celebrated_by", "celebrated_at"])
        audit_record(
            actor=actor,
            action="milestone.celebrate",
            client=milestone.episode.client,
            obj=milestone,
        )
    return milestone


MESSAGE_MAX_LENGTH = 280


@transaction.atomic
def milestone_queue_message(*, actor: User, milestone: Milestone, text: str) -> CelebrationMessage:
    """Queue a short celebration message for the client portal to deliver."""
    client = milestone.episode.client
    require_write(actor=actor, episode=milestone.episode, action="milestone.message")
    if not client.celebrations_opt_in:
        raise ValidationError(_("This client has not agreed to receive celebration messages."))
    message_text = text.strip()
    if not message_text:
        raise ValidationError(_("Write a short message for the client."))
    check_length(message_text, MESSAGE_MAX_LENGTH)
    if CelebrationMessage.objects.filter(milestone=milestone).exists():
        raise ValidationError(_("A message for this milestone is already queued."))
    message = CelebrationMessage.objects.create(
        milestone=milestone, text_encrypted=encrypt_text(message_text), queued_by=actor
    )
    audit_record(actor=actor, action="milestone.message", client=client, obj=message)
    return message
