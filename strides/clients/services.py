"""Every change to clients, episodes and appointments, each audited in its transaction."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from strides.accounts.models import Role, User
from strides.accounts.permissions import require_client_write, require_write
from strides.audit.services import audit_record
from strides.clients import dates
from strides.clients.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    BreakGlassGrant,
    Client,
    EndReason,
    Episode,
    EpisodeTransfer,
)
from strides.crypto import encrypt_text
from strides.outcomes.services import progress_refresh
from strides.text_limits import check_length

# The longest text each field takes; longer text is refused, never cut.
DISPLAY_NAME_MAX = 120
PHONE_MAX = 40
PRESENTING_PROBLEM_MAX = 200
BREAK_GLASS_REASON_MAX = 1000


def _check_contact(display_name: str, phone: str) -> None:
    if not display_name.strip():
        raise ValidationError(_("A display name or pseudonym is required."))
    check_length(display_name.strip(), DISPLAY_NAME_MAX)
    check_length(phone, PHONE_MAX)


def _encrypted(text: str) -> str:
    return encrypt_text(text) if text else ""


@transaction.atomic
def client_create(
    *,
    actor: User,
    display_name: str,
    episode_start: date,
    date_of_birth: date | None = None,
    email: str = "",
    phone: str = "",
    presenting_problem: str = "",
    anxiety_measure: str = "gad7",
    milestones_enabled: bool = True,
    celebrations_opt_in: bool = False,
) -> Client:
    """A therapist takes on a new client: the client and their first episode, together."""
    if actor.role != Role.THERAPIST:
        raise ValidationError(_("Only a therapist can take on a new client."))
    _check_contact(display_name, phone)
    check_length(presenting_problem, PRESENTING_PROBLEM_MAX)
    if date_of_birth is not None:
        dates.birth_date_rule(episode_start).check(date_of_birth)
    dates.new_episode_start_rule(date_of_birth).check(episode_start)
    client = Client.objects.create(
        display_name=display_name.strip(),
        date_of_birth=date_of_birth,
        email=email,
        phone=phone,
        milestones_enabled=milestones_enabled,
        celebrations_opt_in=celebrations_opt_in,
    )
    episode = Episode.objects.create(
        client=client,
        therapist=actor,
        start=episode_start,
        presenting_problem_encrypted=_encrypted(presenting_problem),
        anxiety_measure=anxiety_measure,
    )
    audit_record(actor=actor, action="client.create", client=client, obj=client)
    audit_record(actor=actor, action="episode.create", client=client, obj=episode)
    return client


@transaction.atomic
def client_update(
    *,
    actor: User,
    client: Client,
    display_name: str,
    date_of_birth: date | None,
    email: str,
    phone: str,
    milestones_enabled: bool = True,
    celebrations_opt_in: bool = False,
) -> Client:
    require_client_write(actor=actor, client=client, action="client.update")
    _check_contact(display_name, phone)
    if date_of_birth is not None and date_of_birth != client.date_of_birth:
        dates.client_birth_date_rule(client).check(date_of_birth)
    client.display_name = display_name.strip()
    client.date_of_birth = date_of_birth
    client.email = email
    client.phone = phone
    client.milestones_enabled = milestones_enabled
    client.celebrations_opt_in = celebrations_opt_in
    client.save()
    audit_record(actor=actor, action="client.update", client=client, obj=client)
    return client


@transaction.atomic
def episode_create(
    *,
    actor: User,
    client: Client,
    start: date,
    presenting_problem: str = "",
    anxiety_measure: str = "gad7",
) -> Episode:
    """A new course of care for a client the actor treats now or saw last."""
    require_client_write(actor=actor, client=client, action="episode.create")
    check_length(presenting_problem, PRESENTING_PROBLEM_MAX)
    dates.new_episode_start_rule(client.date_of_birth).check(start)
    episode = Episode.objects.create(
        client=client,
        therapist=actor,
        start=start,
        presenting_problem_encrypted=_encrypted(presenting_problem),
        anxiety_measure=anxiety_measure,
    )
    audit_record(actor=actor, action="episode.create", client=client, obj=episode)
    return episode


@transaction.atomic
def episode_update(
    *, actor: User, episode: Episode, start: date, presenting_problem: str, anxiety_measure: str
) -> Episode:
    require_write(actor=actor, episode=episode, action="episode.update")
    check_length(presenting_problem, PRESENTING_PROBLEM_MAX)
    if start != episode.start:
        dates.episode_start_rule(episode).check(start)
    episode.start = start
    episode.presenting_problem_encrypted = _encrypted(presenting_problem)
    episode.anxiety_measure = anxiety_measure
    episode.save()
    audit_record(actor=actor, action="episode.update", client=episode.client, obj=episode)
    return episode


@transaction.atomic
def episode_end(*, actor: User, episode: Episode, end: date, end_reason: str) -> Episode:
    require_write(actor=actor, episode=episode, action="episode.end")
    if end_reason not in EndReason.values:
        raise ValidationError(_("Choose why the episode ended."))
    dates.episode_end_rule(episode).check(end)
    episode.end = end
    episode.end_reason = end_reason
    episode.save()
    audit_record(
        actor=actor,
        action="episode.end",
        client=episode.client,
        obj=episode,
        detail={"end_reason": end_reason},
    )
    progress_refresh(actor=actor, episode=episode)
    return episode


@transaction.atomic
def appointment_create(
    *,
    actor: User,
    episode: Episode,
    at: datetime,
    kind: str = AppointmentKind.TREATMENT,
    status: str = AppointmentStatus.SCHEDULED,
) -> Appointment:
    require_write(actor=actor, episode=episode, action="appointment.create")
    dates.appointment_rule(episode, status).check(dates.local_day(at))
    appointment = Appointment.objects.create(episode=episode, at=at, kind=kind, status=status)
    audit_record(actor=actor, action="appointment.create", client=episode.client, obj=appointment)
    progress_refresh(actor=actor, episode=episode)
    return appointment


@transaction.atomic
def appointment_update(
    *, actor: User, appointment: Appointment, at: datetime, kind: str, status: str
) -> Appointment:
    client = appointment.episode.client
    require_write(actor=actor, episode=appointment.episode, action="appointment.update")
    if (at, status) != (appointment.at, appointment.status):
        dates.appointment_rule(appointment.episode, status).check(dates.local_day(at))
    appointment.at = at
    appointment.kind = kind
    appointment.status = status
    appointment.save()
    audit_record(
        actor=actor,
        action="appointment.update",
        client=client,
        obj=appointment,
        detail={"status": status},
    )
    progress_refresh(actor=actor, episode=appointment.episode)
    return appointment


@transaction.atomic
def break_glass_open(*, actor: User, client: Client, reason: str) -> BreakGlassGrant:
    """An admin opens one client's record for a limited time, with a written reason."""
    if actor.role != Role.ADMIN:
        raise Http404("No such record.")
    if len(reason.strip()) < 10:
        raise ValidationError(_("Write the reason in a sentence (at least 10 characters)."))
    check_length(reason.strip(), BREAK_GLASS_REASON_MAX)
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        admin=actor,
        client=client,
        reason_encrypted=encrypt_text(reason.strip()),
        granted_at=now,
        expires_at=now + timedelta(minutes=settings.STRIDES_BREAK_GLASS_MINUTES),
    )
    audit_record(actor=actor, action="break_glass.open", client=client, obj=grant)
    return grant


@transaction.atomic
def episode_transfer(*, actor: User, episode: Episode, therapist: User) -> EpisodeTransfer:
    """An admin hands an open episode to another active therapist, who treats it from now
    on; the previous therapist keeps no access to it. Audited with both therapists' ids."""
    if actor.role != Role.ADMIN:
        raise Http404("No such page.")
    locked = Episode.objects.select_for_update().select_related("therapist").get(pk=episode.pk)
    if locked.end is not None:
        raise ValidationError(_("This episode has ended; only an open episode is transferred."))
    if therapist.role != Role.THERAPIST or not therapist.is_active:
        raise ValidationError(_("Transfer to an active therapist."))
    if therapist.pk == locked.therapist_id:
        raise ValidationError(
            _("%(name)s already treats this episode.") % {"name": therapist.display()}
        )
    transfer = EpisodeTransfer.objects.create(
        episode=locked,
        from_therapist=locked.therapist,
        to_therapist=therapist,
        by=actor,
        at=timezone.now(),
    )
    locked.therapist = therapist
    locked.save(update_fields=["therapist"])
    audit_record(
        actor=actor,
        action="episode.transfer",
        client=locked.client,
        obj=locked,
        detail={"from": transfer.from_therapist_id, "to": therapist.pk},
    )
    return transfer
