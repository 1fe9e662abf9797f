"""The client's own progress story, shared by the therapist per client: their charts
with the expected band, their goals in their words with their ratings, the milestones
they reached and the celebration messages their therapist sent. Nothing else: no notes,
no alerts, no measure hidden from clients (alliance-type measures).
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from strides.audit.models import Outcome
from strides.audit.services import audit_record
from strides.goals.models import GoalStatus
from strides.instruments import get_instrument
from strides.milestones.models import CelebrationMessage
from strides.outcomes.charts import InstrumentChart, episode_charts
from strides.portal.models import ClientPortal, Invitation, Purpose, TokenAttempt
from strides.portal.tokens import token_hash
from strides.progress import ALLIANCE_INSTRUMENTS


def client_visible(code: str) -> bool:
    """Whether the client's story shows this measure: the definition says so, and when it
    does not, alliance measures are hidden and the rest shown."""
    try:
        hidden = get_instrument(code).hidden_from_clients
    except KeyError:
        return False
    return not hidden if hidden is not None else code not in ALLIANCE_INSTRUMENTS


def is_shared(invitation: Invitation) -> bool:
    return ClientPortal.objects.filter(
        client_id=invitation.episode.client_id, story_enabled=True
    ).exists()


@dataclass(frozen=True)
class StoryGoal:
    text: str
    ratings: list[tuple[date, float]]


@dataclass(frozen=True)
class StoryMilestone:
    label: str
    occurred_on: date


@dataclass(frozen=True)
class StoryMessage:
    text: str
    sent_on: date


@dataclass(frozen=True)
class ClientStory:
    charts: list[InstrumentChart]
    goals: list[StoryGoal]
    milestones: list[StoryMilestone]
    messages: list[StoryMessage]


def client_story(invitation: Invitation) -> ClientStory:
    episode = invitation.episode
    charts = [
        chart
        for chart in episode_charts(episode=episode, x_mode="date", for_client=True)
        if client_visible(chart.code)
    ]
    goals = [
        StoryGoal(
            text=goal.text,
            ratings=[(r.rated_on, float(r.rating)) for r in goal.ratings.order_by("rated_on")],
        )
        for goal in episode.goals.filter(status__in=[GoalStatus.ACTIVE, GoalStatus.ACHIEVED])
    ]
    milestones = [
        StoryMilestone(label=str(m.get_kind_display()), occurred_on=m.occurred_on)
        for m in episode.milestones.all()
        if not m.instrument or client_visible(m.instrument)
    ]
    messages = [
        StoryMessage(text=m.text, sent_on=timezone.localdate(m.delivered_at))
        for m in CelebrationMessage.objects.filter(
            milestone__episode=episode, delivered_at__isnull=False
        ).order_by("-delivered_at")
    ]
    return ClientStory(charts=charts, goals=goals, milestones=milestones, messages=messages)


def _expired_story(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("episode__client")
        .filter(token_hash=token_hash(token), purpose=Purpose.STORY)
        .first()
    )
    if invitation is None or invitation.episode.end is not None:
        return None
    if invitation.used_at is None and invitation.expires_at > timezone.now():
        return None
    return invitation


def renewable(token: str) -> bool:
    """Whether a refused link was a story link that can be sent again (to the address
    on file, never one typed in)."""
    invitation = _expired_story(token)
    return (
        invitation is not None and bool(invitation.episode.client.email) and is_shared(invitation)
    )


def story_renew(*, token: str, address: str) -> bool:
    """Email a fresh story link to the client's address on file, once per old link."""
    from strides.portal.services import invitation_create

    invitation = _expired_story(token)
    now = timezone.now()
    with transaction.atomic():
        TokenAttempt.objects.create(address=address[:64], at=now, succeeded=invitation is not None)
        if invitation is None or not renewable(token):
            audit_record(
                actor=None,
                action="portal.story_renew",
                outcome=Outcome.DENIED,
                actor_label="client portal",
            )
            return False
        # Retire the old link for good, so it renews only once.
        Invitation.objects.filter(pk=invitation.pk).update(token_hash=f"renewed:{invitation.pk}")
        invitation_create(
            actor=None, episode=invitation.episode, instruments=[], purpose=Purpose.STORY
        )
    return True
