from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strides.accounts.permissions import Access
from strides.clients.models import Episode
from strides.clients.selectors import episode_for_actor
from strides.goals import selectors, services
from strides.goals.forms import GoalEditForm, GoalForm, GoalRatingForm, GoalStatusForm
from strides.goals.models import Goal
from strides.outcomes.selectors import episode_outcome
from strides.web.forms import add_service_errors
from strides.web.requests import AuthedRequest, staff_required

PARTIAL = "goals/episode_goals.html"


def _client_page(episode: Episode) -> str:
    url = reverse("client_detail", args=[episode.client_id])
    return f"{url}#goals-{episode.pk}"


def _goals_context(episode: Episode, *, can_change: bool, **extra: Any) -> dict[str, Any]:
    """What the goals partial needs, the same on the client page and in htmx answers."""
    goals = selectors.episode_goals(episode=episode)
    return {
        "episode": episode,
        "goals": goals,
        "goal_chart": selectors.goal_chart_svg(episode=episode, goals=goals),
        "goal_chart_narrow": selectors.goal_chart_svg(episode=episode, goals=goals, width=320),
        "can_change": can_change,
        **extra,
    }


def _form_page(
    request: AuthedRequest, goal: Goal | None, episode: Episode, **context: Any
) -> HttpResponse:
    return render(
        request,
        "goals/goal_form.html",
        {
            "goal": goal,
            "goal_text": goal.text if goal is not None else "",
            "episode": episode,
            "client": episode.client,
            "back": _client_page(episode),
            **context,
        },
    )


@staff_required
def episode_goals(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = episode_for_actor(actor=request.user, episode_id=episode_id, action="goal.list")
    context = _goals_context(
        episode, can_change=selectors.can_change(actor=request.user, episode=episode)
    )
    if request.htmx:
        return render(request, PARTIAL, context)
    return render(request, "goals/goals_page.html", {**context, "client": episode.client})


@staff_required
@require_http_methods(["GET", "POST"])
def goal_new(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = episode_for_actor(
        actor=request.user, episode_id=episode_id, need=Access.WRITE, action="goal.new"
    )
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_create(actor=request.user, episode=episode, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal added."))
            return redirect(_client_page(episode))
    return _form_page(
        request, None, episode, form=form, title=_("Add a goal"), submit=_("Add goal")
    )


@staff_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = selectors.goal_for_actor(
        actor=request.user, goal_id=goal_id, need=Access.WRITE, action="goal.edit"
    )
    initial = {"text": goal.text, "gas_weight": goal.gas_weight, "version": goal.version}
    form = GoalEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_edit(
                actor=request.user,
                goal=goal,
                text=form.cleaned_data["text"],
                gas_weight=form.cleaned_data["gas_weight"],
                expected_version=form.cleaned_data["version"],
            )
        except services.GoalConflict as error:
            # Keep what they typed; saving again from here replaces the stored version.
            conflict = error
            data = request.POST.copy()
            data["version"] = str(error.stored_version)
            form = GoalEditForm(data)
            form.is_valid()
            add_service_errors(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal updated."))
            return redirect(_client_page(goal.episode))
    return _form_page(
        request,
        goal,
        goal.episode,
        form=form,
        conflict=conflict,
        title=_("Edit the goal"),
        submit=_("Save goal"),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def goal_rate(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = selectors.goal_for_actor(
        actor=request.user, goal_id=goal_id, need=Access.WRITE, action="goal.rate"
    )
    episode = goal.episode
    form = GoalRatingForm(
        request.POST or None,
        goal_id=goal.pk,
        episode=episode,
        initial={"rated_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            rating = services.goal_rate(
                actor=request.user,
                goal=goal,
                rating=form.cleaned_data["rating"],
                rated_on=form.cleaned_data["rated_on"],
                gas_level=form.cleaned_data["gas_level"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            saved = _("Rating saved: %(rating)s/10.") % {"rating": f"{float(rating.rating):g}"}
            if request.htmx:
                context = _goals_context(episode, can_change=True, announcement=saved)
                response = render(request, PARTIAL, context)
                # A rating can be a milestone: refresh the episode's list in the same answer.
                response.content += render_to_string(
                    "milestones/episode_milestones.html",
                    {
                        "episode": episode,
                        "can_change": True,
                        "oob": True,
                        "milestones": episode_outcome(episode=episode).milestones,
                        "goal_labels": selectors.goal_labels(episodes=[episode.pk]),
                    },
                    request=request,
                ).encode()
                return response
            messages.success(request, saved)
            return redirect(_client_page(episode))
    if request.method == "POST" and request.htmx:
        return render(request, PARTIAL, _goals_context(episode, can_change=True, rating_form=form))
    return _form_page(
        request, goal, episode, form=form, title=_("Rate the goal"), submit=_("Save rating")
    )


@staff_required
@require_http_methods(["GET", "POST"])
def goal_status(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = selectors.goal_for_actor(
        actor=request.user, goal_id=goal_id, need=Access.WRITE, action="goal.status"
    )
    form = GoalStatusForm(request.POST or None, current=goal.status)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.goal_set_status(
                actor=request.user,
                goal=goal,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Goal marked %(status)s.") % {"status": changed.get_status_display().lower()},
            )
            return redirect(_client_page(goal.episode))
    return _form_page(
        request,
        goal,
        goal.episode,
        form=form,
        title=_("Change the goal's status"),
        submit=_("Save status"),
    )
