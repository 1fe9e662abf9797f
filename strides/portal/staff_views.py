"""Staff pages of the portal: inviting a client, the kiosk code, sharing the story,
schedules, and for admins the demo Outbox and the mail delivery list."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from strides.accounts.models import Role
from strides.accounts.permissions import Access
from strides.clients.models import Episode
from strides.clients.selectors import episode_for_actor
from strides.portal import kiosk, mail, selectors, services
from strides.portal.models import Invitation, Schedule
from strides.web.requests import AuthedRequest, staff_required


def _writable_episode(request: AuthedRequest, episode_id: int, action: str) -> Episode:
    return episode_for_actor(
        actor=request.user, episode_id=episode_id, need=Access.WRITE, action=action
    )


@staff_required
@require_POST
def invitation_new(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = _writable_episode(request, episode_id, "invitation.create")
    try:
        new = services.invitation_create(
            actor=request.user,
            episode=episode,
            instruments=request.POST.getlist("instruments"),
            include_goals=request.POST.get("goals") == "1",
            send_email=request.POST.get("email") == "1",
        )
    except ValidationError as error:
        return render(
            request,
            "portal/invitation_created.html",
            {"episode": episode, "errors": error.messages},
            status=400,
        )
    return render(
        request,
        "portal/invitation_created.html",
        {"episode": episode, "new": new, "qr": mail.qr_svg(new.link)},
    )


@staff_required
@require_POST
def kiosk_new(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    invitation = (
        Invitation.objects.select_related("episode__client").filter(pk=invitation_id).first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    _writable_episode(request, invitation.episode_id, "kiosk.create")
    if invitation.used_at is not None or invitation.expires_at <= timezone.now():
        raise Http404("This invitation is closed.")
    code = kiosk.kiosk_code_create(actor=request.user, invitation=invitation)
    return render(
        request,
        "portal/kiosk_code.html",
        {"episode": invitation.episode, "code": code, "minutes": kiosk.KIOSK_MINUTES},
    )


@staff_required
@require_POST
def story_toggle(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = _writable_episode(request, episode_id, "portal.story")
    services.story_share(actor=request.user, episode=episode, enabled=request.POST.get("on") == "1")
    return redirect("client_detail", client_id=episode.client_id)


@staff_required
@require_POST
def resubscribe(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = _writable_episode(request, episode_id, "portal.resubscribe")
    services.portal_resubscribe(actor=request.user, client=episode.client, episode=episode)
    return redirect("client_detail", client_id=episode.client_id)


def _dates(raw: str) -> list[str]:
    found = []
    for part in raw.replace(",", " ").split():
        try:
            found.append(date.fromisoformat(part).isoformat())
        except ValueError:
            raise ValidationError(f"{part} is not a date (YYYY-MM-DD).") from None
    return sorted(set(found))


@staff_required
@require_POST
def schedule_new(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = _writable_episode(request, episode_id, "schedule.create")
    kind = request.POST.get("kind", "")
    try:
        weeks = int(request.POST.get("every_weeks") or 0) or None
        reminder = int(request.POST.get("reminder_days") or 2)
        services.schedule_create(
            actor=request.user,
            episode=episode,
            kind=kind,
            every_weeks=weeks,
            dates=_dates(request.POST.get("dates", "")),
            instruments=request.POST.getlist("instruments"),
            include_goals=request.POST.get("goals") == "1",
            reminder_days=reminder,
        )
    except (ValidationError, ValueError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        return render(
            request,
            "portal/invitation_created.html",
            {"episode": episode, "errors": messages},
            status=400,
        )
    return redirect("client_detail", client_id=episode.client_id)


@staff_required
@require_POST
def schedule_stop(request: AuthedRequest, schedule_id: int) -> HttpResponse:
    schedule = Schedule.objects.filter(pk=schedule_id).first()
    if schedule is None:
        raise Http404("No such schedule.")
    episode = _writable_episode(request, schedule.episode_id, "schedule.stop")
    services.schedule_stop(actor=request.user, schedule=schedule)
    return redirect("client_detail", client_id=episode.client_id)


def _admin_only(request: AuthedRequest) -> None:
    if request.user.role != Role.ADMIN:
        raise Http404("No such page.")


@staff_required
@require_GET
def outbox(request: AuthedRequest) -> HttpResponse:
    """The demo's sent mail. Exists only while mail goes to files, never with a real mail
    server: a link in it lets its holder answer as the client."""
    _admin_only(request)
    found = selectors.outbox_messages()
    if found is None:
        raise Http404("No outbox: mail goes to the mail server.")
    return render(request, "portal/outbox.html", {"messages_sent": found})


@staff_required
@require_GET
def deliveries(request: AuthedRequest) -> HttpResponse:
    _admin_only(request)
    return render(
        request,
        "portal/deliveries.html",
        {"deliveries": selectors.deliveries()},
    )
