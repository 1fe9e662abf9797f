"""The client's pages: opening a link, answering step by step, review, thank-you, the
progress story, unsubscribing and the waiting-room kiosk. They work without JavaScript.

No page here takes a token in its URL except the link itself, which is exchanged at
once for a portal session and redirected away.
"""

import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from strides.audit.source import client_address
from strides.clients.models import Client
from strides.instruments import get_instrument
from strides.portal import answering, kiosk, mail, services, story
from strides.portal.middleware import PORTAL_KEY, portal_state
from strides.portal.models import Invitation, Purpose

View = Callable[..., HttpResponse]


def _refused(request: HttpRequest, **extra: Any) -> HttpResponse:
    return render(request, "portal/refused.html", extra, status=410)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    state = portal_state(request) or {}
    return render(request, template, {**context, "portal_csrf": state.get("csrf", "")})


def portal_csrf(view: View) -> View:
    """Cross-site request forgery protection for the portal's forms.

    Portal pages are sent with `Referrer-Policy: no-referrer`, so browsers send
    `Origin: null` with their forms, which Django's CSRF check refuses. These forms
    carry the portal session's own random token instead (and the session cookie is
    SameSite=Lax, so another site's form does not even reach the session)."""

    @csrf_exempt
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            state = portal_state(request) or {}
            expected = str(state.get("csrf", ""))
            given = request.POST.get("portal_csrf", "")
            if not expected or not constant_time_compare(given, expected):
                return _refused(request)
        return view(request, *args, **kwargs)

    return checked


def sessionless_form(view: View) -> View:
    """A portal form used without a portal session (kiosk code, unsubscribe, fresh story
    link). No CSRF token is possible under `Origin: null` (see `portal_csrf`); each is
    harmless when forged: it needs a secret the forger lacks (the signed unsubscribe
    value, an old story link) or only starts a check-in on the forger's own code."""
    return csrf_exempt(view)


def new_portal_state(invitation: Invitation) -> dict[str, Any]:
    """A portal session's state as the link opens it: no answers yet."""
    until = timezone.now() + timedelta(minutes=settings.STRIDES_PORTAL_SESSION_MINUTES)
    return {
        "invitation": invitation.pk,
        "until": until.isoformat(),
        "answers": {},
        "goals": {},
        "risk": False,
        "done": False,
        "csrf": secrets.token_urlsafe(32),
        "submission": secrets.token_urlsafe(32),  # its idempotency key (portal_review)
    }


def _start_session(request: HttpRequest, invitation: Invitation) -> None:
    # A fresh session: a staff sign-in in this browser ends here, so a portal session
    # never carries anyone's staff rights.
    request.session.flush()
    request.session[PORTAL_KEY] = new_portal_state(invitation)
    request.session.set_expiry(settings.STRIDES_PORTAL_SESSION_MINUTES * 60)


def _session_invitation(request: HttpRequest) -> tuple[dict[str, Any], Invitation] | None:
    state = portal_state(request)
    if state is None:
        return None
    invitation = (
        Invitation.objects.select_related("episode__client")
        .filter(pk=int(str(state["invitation"])))
        .first()
    )
    if invitation is None:
        return None
    return state, invitation


def answering_session(view: View) -> View:
    """An answering page (welcome, steps, review): it gets the portal session's state and
    its invitation to answer; without one, the refused page; once submitted, thanks."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = _session_invitation(request)
        if found is None or found[1].purpose != Purpose.ANSWER:
            return _refused(request)
        state, invitation = found
        if state["done"]:
            return redirect("portal_thanks")
        return view(request, state, invitation, *args, **kwargs)

    return checked


def _save(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[PORTAL_KEY] = state


@require_http_methods(["GET"])
def portal_open(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_open(token=token, address=client_address(request))
    if invitation is None:
        renew = story.renewable(token)
        return _refused(request, renew_token=token) if renew else _refused(request)
    _start_session(request, invitation)
    if invitation.purpose == Purpose.STORY:
        return redirect("portal_story")
    return redirect("portal_welcome")


def _answer_context(state: dict[str, Any], invitation: Invitation) -> dict[str, Any]:
    return {
        "risk": state["risk"],
        "crisis": answering.crisis_resources() if state["risk"] else [],
        "total_steps": len(answering.steps(invitation)),
    }


@require_http_methods(["GET"])
@answering_session
def portal_welcome(
    request: HttpRequest, state: dict[str, Any], invitation: Invitation
) -> HttpResponse:
    return _page(
        request,
        "portal/welcome.html",
        {**_answer_context(state, invitation), "invitation": invitation},
    )


@portal_csrf
@require_http_methods(["GET", "POST"])
@answering_session
def portal_step(
    request: HttpRequest, state: dict[str, Any], invitation: Invitation, step: int
) -> HttpResponse:
    names = answering.steps(invitation)
    if not 1 <= step <= len(names):
        raise Http404("No such step.")
    name = names[step - 1]
    next_url = "portal_review" if step == len(names) else None
    context: dict[str, Any] = {
        **_answer_context(state, invitation),
        "step": step,
        "previous": step - 1 if step > 1 else None,
    }
    if name == answering.GOALS_STEP:
        if request.method == "POST":
            state["goals"] = answering.read_goals(invitation, request.POST)
            _save(request, state)
            return redirect(next_url) if next_url else redirect("portal_step", step=step + 1)
        goals = answering.goal_views(invitation, state["goals"])
        return _page(request, "portal/goals.html", {**context, "goals": goals})
    instrument = get_instrument(name)
    draft = state["answers"].get(name, {})
    blanks: set[int] = set()
    if request.method == "POST":
        draft = answering.read_items(instrument, request.POST)
        state["answers"][name] = draft
        state["risk"] = any(
            answering.endorses_risk(get_instrument(code), given)
            for code, given in state["answers"].items()
        )
        _save(request, state)
        blanks = answering.blank_items(instrument, draft)
        if not blanks or request.POST.get("skip_ok") == "1":
            return redirect(next_url) if next_url else redirect("portal_step", step=step + 1)
        context.update(_answer_context(state, invitation))
    return _page(
        request,
        "portal/step.html",
        {
            **context,
            "instrument": instrument,
            "items": answering.item_views(instrument, draft, blanks),
            "blank_count": len(blanks),
        },
    )


@portal_csrf
@require_http_methods(["GET", "POST"])
@answering_session
def portal_review(
    request: HttpRequest, state: dict[str, Any], invitation: Invitation
) -> HttpResponse:
    names = answering.steps(invitation)
    if request.method == "POST":
        key = str(state.get("submission", ""))
        try:
            result = services.portal_submit(
                invitation=invitation,
                answers=answering.submitted_answers(state["answers"], invitation.instruments),
                goal_ratings=answering.submitted_goals(state["goals"]),
                submission_key=key,
            )
        except services.AlreadySubmitted:
            # This session's own submit, stored before its answer was lost: thank again.
            if not services.submitted_with(invitation=invitation, submission_key=key):
                return _refused(request)
        else:
            state["risk"] = state["risk"] or result.has_risk
        state["done"] = True
        _save(request, state)
        return redirect("portal_thanks")
    sections = [
        {
            "step": index,
            "instrument": get_instrument(code),
            "rows": answering.review_rows(code, state["answers"].get(code, {})),
        }
        for index, code in enumerate(invitation.instruments, start=1)
    ]
    goals = answering.goal_views(invitation, state["goals"]) if invitation.include_goals else []
    ratings = {goal.pk: state["goals"].get(str(goal.pk)) for goal in goals}
    return _page(
        request,
        "portal/review.html",
        {
            **_answer_context(state, invitation),
            "sections": sections,
            "goals": [(goal, ratings[goal.pk]) for goal in goals],
            "goals_step": len(names) if invitation.include_goals else None,
        },
    )


@require_http_methods(["GET"])
def portal_thanks(request: HttpRequest) -> HttpResponse:
    found = _session_invitation(request)
    if found is None or not found[0]["done"]:
        return _refused(request)
    state, invitation = found
    return _page(
        request,
        "portal/thanks.html",
        {**_answer_context(state, invitation), "story": story.is_shared(invitation)},
    )


@portal_csrf
@require_POST
def portal_leave(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return render(request, "portal/left.html")


@require_http_methods(["GET"])
def portal_story(request: HttpRequest) -> HttpResponse:
    found = _session_invitation(request)
    if found is None or not story.is_shared(found[1]):
        return _refused(request)
    return _page(request, "portal/story.html", {"story": story.client_story(found[1])})


@sessionless_form
@require_POST
def portal_story_renew(request: HttpRequest) -> HttpResponse:
    story.story_renew(token=request.POST.get("token", ""), address=client_address(request))
    return render(request, "portal/renewed.html")


@sessionless_form
@require_http_methods(["GET", "POST"])
def portal_unsubscribe(request: HttpRequest, value: str) -> HttpResponse:
    client_id = mail.unsubscribe_client_id(value)
    client = Client.objects.filter(pk=client_id).first() if client_id is not None else None
    if client is None:
        return _refused(request)
    if request.method == "POST":
        services.portal_unsubscribe(client=client)
        return render(request, "portal/unsubscribed.html")
    return render(request, "portal/unsubscribe.html")


@sessionless_form
@require_http_methods(["GET", "POST"])
def portal_kiosk(request: HttpRequest) -> HttpResponse:
    error = False
    if request.method == "POST":
        invitation = kiosk.kiosk_open(
            code=request.POST.get("code", ""), address=client_address(request)
        )
        if invitation is not None:
            _start_session(request, invitation)
            return redirect("portal_welcome")
        error = True
    return render(request, "portal/kiosk.html", {"error": error})
