"""Invitations: creating them, opening a link, submitting answers, unsubscribing.

A link's token is shown once (returned by `invitation_create`) and stored only as a hash.
Submitting claims the invitation with one conditional UPDATE (`used_at IS NULL`), so a
repeated or concurrent submit stores exactly once, on SQLite and on PostgreSQL.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.accounts.models import User
from strides.accounts.permissions import require_write
from strides.assessments.models import Assessment, Mode
from strides.assessments.services import Answer, assessment_record
from strides.audit.models import Outcome
from strides.audit.services import audit_batch, audit_record
from strides.clients.models import Client, Episode
from strides.goals.models import Goal, GoalRating, GoalStatus, RatingSource
from strides.instruments import get_instrument
from strides.outcomes.services import progress_refresh
from strides.portal import mail
from strides.portal.models import (
    ClientPortal,
    EmailKind,
    Invitation,
    Purpose,
    Schedule,
    ScheduleKind,
    TokenAttempt,
)
from strides.portal.tokens import new_token, token_hash

# The label audit events carry for what a client does through a link.
PORTAL_ACTOR = "client portal"
MAX_INSTRUMENTS = 6
ATTEMPT_WINDOW = timedelta(minutes=15)
# Stable ids for a submission's rows: one invitation stores each instrument once.
SUBMISSION_NAMESPACE = uuid.UUID("6f1d3c52-8a8e-4f0e-9a57-1c3f3b7e2a10")


def invitation_link(token: str) -> str:
    """The absolute link a client opens (built from STRIDES_BASE_URL)."""
    return settings.STRIDES_BASE_URL + reverse("portal_open", args=[token])


def portal_preferences(client: Client) -> ClientPortal:
    preferences, _created = ClientPortal.objects.get_or_create(client=client)
    return preferences


def _check_instruments(codes: list[str], include_goals: bool) -> list[str]:
    cleaned: list[str] = []
    for code in codes:
        code = code.strip().lower()
        if not code or code in cleaned:
            continue
        try:
            get_instrument(code)
        except KeyError:
            raise ValidationError(_("Unknown instrument %(code)s.") % {"code": code}) from None
        cleaned.append(code)
    if not cleaned and not include_goals:
        raise ValidationError(_("Choose at least one questionnaire, or the goals."))
    if len(cleaned) > MAX_INSTRUMENTS:
        raise ValidationError(
            _("At most %(n)d questionnaires at once keep it short.") % {"n": MAX_INSTRUMENTS}
        )
    return cleaned


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str
    link: str
    emailed: bool


def invitation_create(
    *,
    actor: User | None,
    episode: Episode,
    instruments: list[str],
    include_goals: bool = False,
    send_email: bool = True,
    schedule: Schedule | None = None,
    occurrence: str = "",
    purpose: str = Purpose.ANSWER,
) -> NewInvitation:
    """Create one invitation and (when asked, and the client has an address and has not
    unsubscribed) queue its email. `actor` is None for a schedule's invitation."""
    if actor is not None:
        require_write(actor=actor, episode=episode, action="invitation.create")
    if episode.end is not None:
        raise ValidationError(_("This episode has ended; it takes no more invitations."))
    codes = _check_instruments(instruments, include_goals) if purpose == Purpose.ANSWER else []
    token = new_token()
    now = timezone.now()
    client = episode.client
    with transaction.atomic():
        invitation = Invitation.objects.create(
            episode=episode,
            purpose=purpose,
            token_hash=token_hash(token),
            instruments=codes,
            include_goals=include_goals,
            created_by=actor,
            schedule=schedule,
            occurrence=occurrence,
            created_at=now,
            expires_at=now + timedelta(days=settings.STRIDES_INVITATION_DAYS),
        )
        audit_record(
            actor=actor,
            actor_label=None if actor is not None else "schedule",
            action="invitation.create",
            client=client,
            obj=invitation,
            detail={"instruments": codes, "goals": include_goals, "purpose": purpose},
        )
        link = invitation_link(token)
        emailed = False
        if send_email and client.email and portal_preferences(client).unsubscribed_at is None:
            kind = EmailKind.STORY if purpose == Purpose.STORY else EmailKind.INVITATION
            mail.email_queue(
                kind=kind,
                to_address=client.email,
                message=mail.client_message(kind=kind, link=link, client=client),
                invitation=invitation,
            )
            emailed = True
    return NewInvitation(invitation=invitation, token=token, link=link, emailed=emailed)


def invitation_rotate(*, invitation: Invitation) -> str:
    """A fresh token for an open invitation (a reminder carries a new link, because the
    old token exists nowhere any more); the earlier link stops working."""
    token = new_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token))
    return token


def refusal_reason(invitation: Invitation | None, now: datetime) -> str:
    """Why a link opens nothing ("" when it opens). The page never says which."""
    if invitation is None:
        return "unknown"
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at <= now:
        return "expired"
    if invitation.episode.end is not None:
        return "episode_ended"
    portal = ClientPortal.objects.filter(client_id=invitation.episode.client_id).first()
    if invitation.purpose == Purpose.ANSWER and portal and portal.unsubscribed_at is not None:
        return "unsubscribed"
    if invitation.purpose == Purpose.STORY and not (portal and portal.story_enabled):
        return "story_off"
    return ""


def _rate_limited(address: str, now: datetime) -> bool:
    failures = TokenAttempt.objects.filter(
        address=address, at__gt=now - ATTEMPT_WINDOW, succeeded=False
    ).count()
    return failures >= settings.STRIDES_PORTAL_ATTEMPTS


def _use_up(invitation: Invitation | None, now: datetime) -> bool:
    """Mark the invitation used, once: True only for the call that did it."""
    assert invitation is not None
    return bool(
        Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=now)
    )


def invitation_open(*, token: str, address: str) -> Invitation | None:
    """Exchange a link's token for its invitation (None: refused). Every attempt is
    audited and counted for the per-address rate limit. A story link is used up by
    opening it; an answer link by submitting."""
    now = timezone.now()
    with transaction.atomic():
        if _rate_limited(address, now):
            invitation, reason = None, "rate_limited"
        else:
            invitation = (
                Invitation.objects.select_related("episode__client")
                .filter(token_hash=token_hash(token))
                .first()
            )
            reason = refusal_reason(invitation, now)
        TokenAttempt.objects.create(address=address[:64], at=now, succeeded=not reason)
        story = not reason and invitation is not None and invitation.purpose == Purpose.STORY
        if story and not _use_up(invitation, now):
            reason = "used"
        audit_record(
            actor=None,
            actor_label=PORTAL_ACTOR,
            action="portal.open",
            outcome=Outcome.DENIED if reason else Outcome.ALLOWED,
            client=invitation.episode.client if invitation is not None else None,
            obj=invitation,
            detail={"reason": reason} if reason else None,
        )
        if reason or invitation is None:
            return None
        if invitation.opened_at is None:
            Invitation.objects.filter(pk=invitation.pk).update(opened_at=now)
    return invitation


class AlreadySubmitted(Exception):
    """The invitation was used (by this submit's twin, or earlier) or has expired."""


@dataclass(frozen=True)
class Submitted:
    assessments: list[Assessment]
    goal_ratings: list[GoalRating]
    has_risk: bool


def _submission_key(invitation: Invitation, part: str) -> uuid.UUID:
    return uuid.uuid5(SUBMISSION_NAMESPACE, f"{invitation.pk}:{part}")


def portal_submit(
    *,
    invitation: Invitation,
    answers: Mapping[str, Mapping[int, Answer]],
    goal_ratings: Mapping[int, Decimal],
    submission_key: str = "",
) -> Submitted:
    """Store a client's answers: one assessment per answered instrument (mode portal),
    the goal ratings, and then the progress summary, milestones and alerts, all in one
    transaction with the claim of the invitation. An instrument left wholly blank is
    skipped (the client was told). Raises AlreadySubmitted for every submit but one;
    `submitted_with` tells whether that one carried `submission_key`."""
    now = timezone.now()
    # One batch of audit events, appended at the end: concurrent submits wait for the
    # chain's head only for that moment, not for each other's whole transaction. Submits
    # to the same episode wait for each other instead, at its row lock taken first: the
    # refresh below reads the episode's alerts and milestones to decide what to open,
    # so two at once would both open the same alert (PostgreSQL; SQLite's immediate
    # transactions already run one writer at a time).
    with transaction.atomic(), audit_batch():
        episode = (
            Episode.objects.select_for_update(of=("self",))
            .select_related("client", "therapist")
            .get(pk=invitation.episode_id)
        )
        claimed = Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now, submission_key=submission_key)
        if not claimed:
            raise AlreadySubmitted
        if episode.end is not None:
            raise ValidationError(_("This course of care has ended."))
        today = timezone.localdate()
        # The treating therapist enters what their client answered; the mode says how.
        actor = episode.therapist
        stored: list[Assessment] = []
        for code in invitation.instruments:
            given = answers.get(code, {})
            if all(value is None for value in given.values()):
                continue
            stored.append(
                assessment_record(
                    actor=actor,
                    episode=episode,
                    instrument_code=code,
                    answers=given,
                    taken_on=today,
                    submission_key=_submission_key(invitation, code),
                    mode=Mode.PORTAL,
                    refresh=False,  # once below, for every answer of this submit
                )
            )
        ratings: list[GoalRating] = []
        if invitation.include_goals:
            goals = {g.pk: g for g in episode.goals.filter(status=GoalStatus.ACTIVE)}
            for goal_id, rating in sorted(goal_ratings.items()):
                goal = goals.get(goal_id)
                if goal is None or not 0 <= rating <= 10 or rating % Decimal("0.5") != 0:
                    continue
                ratings.append(_client_goal_rating(goal, rating, invitation, today))
        if stored or ratings:
            progress_refresh(actor=actor if stored else None, episode=episode)
        has_risk = any(a.has_risk for a in stored)
        audit_record(
            actor=None,
            actor_label=PORTAL_ACTOR,
            action="portal.submit",
            client=episode.client,
            obj=invitation,
            detail={
                "assessments": [a.pk for a in stored],
                "goal_ratings": [r.pk for r in ratings],
                "risk": has_risk,
            },
        )
        if has_risk and actor.email:
            mail.email_queue(
                kind=EmailKind.ALERT,
                to_address=actor.email,
                message=mail.alert_message(),
                invitation=invitation,
            )
    return Submitted(assessments=stored, goal_ratings=ratings, has_risk=has_risk)


def submitted_with(*, invitation: Invitation, submission_key: str) -> bool:
    """True when the invitation's one stored submit carried `submission_key` (a portal
    session's own): the same session sending it again is not a second submit."""
    return bool(submission_key) and (
        Invitation.objects.filter(pk=invitation.pk, submission_key=submission_key).exists()
    )


def _client_goal_rating(
    goal: Goal, rating: Decimal, invitation: Invitation, today: date
) -> GoalRating:
    goal_rating = GoalRating.objects.create(
        goal=goal,
        rating=rating,
        rated_on=today,
        rated_by=None,
        source=RatingSource.PORTAL,
        submission_key=_submission_key(invitation, f"goal:{goal.pk}"),
    )
    audit_record(
        actor=None,
        actor_label=PORTAL_ACTOR,
        action="goal.rate",
        client=goal.episode.client,
        obj=goal_rating,
        detail={"goal": goal.pk},
    )
    return goal_rating


def portal_unsubscribe(*, client: Client) -> ClientPortal:
    """The client asked for no more questionnaire mail (from the link in an email)."""
    with transaction.atomic():
        preferences = portal_preferences(client)
        if preferences.unsubscribed_at is None:
            preferences.unsubscribed_at = timezone.now()
            preferences.save(update_fields=["unsubscribed_at"])
            audit_record(
                actor=None,
                actor_label=PORTAL_ACTOR,
                action="portal.unsubscribe",
                client=client,
                obj=preferences,
            )
    return preferences


def portal_resubscribe(*, actor: User, client: Client, episode: Episode) -> ClientPortal:
    """The client asked their therapist to send questionnaires again."""
    require_write(actor=actor, episode=episode, action="portal.resubscribe")
    with transaction.atomic():
        preferences = portal_preferences(client)
        preferences.unsubscribed_at = None
        preferences.save(update_fields=["unsubscribed_at"])
        audit_record(actor=actor, action="portal.resubscribe", client=client, obj=preferences)
    return preferences


def story_share(*, actor: User, episode: Episode, enabled: bool) -> ClientPortal:
    """Share (or stop sharing) the client's own progress story with them."""
    require_write(actor=actor, episode=episode, action="portal.story")
    with transaction.atomic():
        preferences = portal_preferences(episode.client)
        preferences.story_enabled = enabled
        preferences.save(update_fields=["story_enabled"])
        audit_record(
            actor=actor,
            action="portal.story",
            client=episode.client,
            obj=preferences,
            detail={"enabled": enabled},
        )
    return preferences


def schedule_create(
    *,
    actor: User,
    episode: Episode,
    kind: str,
    instruments: list[str],
    include_goals: bool = False,
    every_weeks: int | None = None,
    dates: list[str] | None = None,
    reminder_days: int = 2,
) -> Schedule:
    """Invite the client automatically: before every appointment, every N weeks (from
    today), or on chosen dates. The worker creates each invitation when it is due."""
    require_write(actor=actor, episode=episode, action="schedule.create")
    if kind not in ScheduleKind.values:
        raise ValidationError(_("Choose when to send the questionnaires."))
    if kind == ScheduleKind.EVERY_N_WEEKS and not (every_weeks and 1 <= every_weeks <= 26):
        raise ValidationError(_("Say every how many weeks (1 to 26)."))
    if kind == ScheduleKind.DATES and not dates:
        raise ValidationError(_("Give at least one date."))
    if not 1 <= reminder_days <= 14:
        raise ValidationError(_("A reminder goes after 1 to 14 days."))
    codes = _check_instruments(instruments, include_goals)
    with transaction.atomic():
        schedule = Schedule.objects.create(
            episode=episode,
            kind=kind,
            every_weeks=every_weeks if kind == ScheduleKind.EVERY_N_WEEKS else None,
            dates=(dates or []) if kind == ScheduleKind.DATES else [],
            starts_on=timezone.localdate(),
            instruments=codes,
            include_goals=include_goals,
            reminder_days=reminder_days,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="schedule.create",
            client=episode.client,
            obj=schedule,
            detail={"kind": kind, "instruments": codes},
        )
    return schedule


def schedule_stop(*, actor: User, schedule: Schedule) -> Schedule:
    require_write(actor=actor, episode=schedule.episode, action="schedule.stop")
    with transaction.atomic():
        Schedule.objects.filter(pk=schedule.pk).update(active=False)
        audit_record(
            actor=actor, action="schedule.stop", client=schedule.episode.client, obj=schedule
        )
    schedule.active = False
    return schedule
