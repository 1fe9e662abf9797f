from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from strides.accounts.permissions import Access
from strides.clients import dates
from strides.clients.models import Episode
from strides.clients.selectors import episode_for_actor
from strides.goals.selectors import goal_labels
from strides.milestones import selectors, services
from strides.text_limits import LimitedTextField
from strides.web.forms import add_service_errors
from strides.web.requests import AuthedRequest, redirect_back, staff_required


class ManualMilestoneForm(dates.DateRulesForm):
    summary = LimitedTextField(
        label=_("What happened"),
        max_length=services.SUMMARY_MAX_LENGTH,
        help_text=_("In the client's words if you can, e.g. “back at work”."),
    )
    occurred_on = forms.DateField(
        label=_("When"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_date_rule("occurred_on", dates.entry_rule(episode))


@staff_required
@require_http_methods(["POST"])
def milestone_celebrate(request: AuthedRequest, milestone_id: int) -> HttpResponse:
    milestone = selectors.milestone_for_actor(
        actor=request.user, milestone_id=milestone_id, need=Access.WRITE, action="milestone.edit"
    )
    services.milestone_celebrate(actor=request.user, milestone=milestone)
    if request.htmx:
        context = {
            "milestone": milestone,
            "can_change": True,
            "just_celebrated": True,
            "goal_labels": goal_labels(episodes=[milestone.episode_id]),
        }
        return render(request, "milestones/milestone_item.html", context)
    messages.success(
        request,
        _(
            "Celebrated. Noticing this step together is part of the work; "
            "thank you for taking the moment."
        ),
    )
    return redirect_back(request, reverse("client_detail", args=[milestone.episode.client_id]))


@staff_required
@require_http_methods(["GET", "POST"])
def milestone_new(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = episode_for_actor(
        actor=request.user, episode_id=episode_id, need=Access.WRITE, action="milestone.new"
    )
    form = ManualMilestoneForm(
        request.POST or None, initial={"occurred_on": timezone.localdate()}, episode=episode
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_record(actor=request.user, episode=episode, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(reverse("client_detail", args=[episode.client_id]))
    context = {"form": form, "client": episode.client, "title": _("Record a milestone")}
    return render(request, "clients/episode_form.html", context)


class CelebrationMessageForm(forms.Form):
    text = LimitedTextField(
        label=_("Message to the client"),
        max_length=services.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def milestone_message(request: AuthedRequest, milestone_id: int) -> HttpResponse:
    milestone = selectors.milestone_for_actor(
        actor=request.user, milestone_id=milestone_id, need=Access.WRITE, action="milestone.edit"
    )
    suggestion = _("A step worth celebrating: %(summary)s") % {"summary": milestone.summary}
    form = CelebrationMessageForm(request.POST or None, initial={"text": suggestion})
    # Two steps: the message is shown as the client will read it, and queued only when
    # the therapist confirms it (editing it again shows a new preview).
    preview = request.method == "POST" and form.is_valid() and request.POST.get("queue") != "1"
    if request.method == "POST" and form.is_valid() and not preview:
        try:
            services.milestone_queue_message(
                actor=request.user, milestone=milestone, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Message queued; the client sees it in the portal."))
            return redirect(reverse("client_detail", args=[milestone.episode.client_id]))
    context = {
        "form": form,
        "milestone": milestone,
        "client": milestone.episode.client,
        "preview": form.cleaned_data["text"] if preview else "",
    }
    return render(request, "milestones/message_form.html", context)
