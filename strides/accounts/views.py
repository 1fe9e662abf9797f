from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strides.accounts import selectors, services
from strides.accounts.forms import EditStaffForm, NewStaffForm, TransferEpisodeForm
from strides.clients import services as client_services
from strides.web.forms import add_service_errors
from strides.web.requests import AuthedRequest, staff_required


@staff_required
def staff_list(request: AuthedRequest) -> HttpResponse:
    staff = selectors.staff_list(actor=request.user)
    return render(request, "accounts/staff_list.html", {"staff": staff})


@staff_required
@require_http_methods(["GET", "POST"])
def staff_new(request: AuthedRequest) -> HttpResponse:
    selectors.staff_list(actor=request.user)
    form = NewStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("staff_list")
    return render(request, "accounts/staff_form.html", {"form": form, "member": None})


@staff_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    member = selectors.staff_member(actor=request.user, user_id=user_id)
    initial = {
        "role": member.role,
        "is_active": member.is_active,
        "supervisees": member.supervisees.all(),
    }
    form = EditStaffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("staff_list")
    context = {
        "form": form,
        "member": member,
        "open_episodes": selectors.open_episodes_of(actor=request.user, therapist=member),
    }
    return render(request, "accounts/staff_form.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def episode_transfer(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_for_transfer(actor=request.user, episode_id=episode_id)
    previous = episode.therapist
    form = TransferEpisodeForm(request.POST or None, current=previous)
    if request.method == "POST" and form.is_valid():
        try:
            client_services.episode_transfer(
                actor=request.user, episode=episode, therapist=form.cleaned_data["therapist"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Episode %(episode)s transferred from %(old)s to %(new)s.")
                % {
                    "episode": episode.pk,
                    "old": previous.display(),
                    "new": form.cleaned_data["therapist"].display(),
                },
            )
            return redirect("staff_edit", user_id=previous.pk)
    return render(request, "accounts/episode_transfer.html", {"form": form, "episode": episode})


@staff_required
def my_account(request: AuthedRequest) -> HttpResponse:
    context = {
        "supervised_by": selectors.supervised_by(user=request.user),
        "supervising": selectors.supervising(user=request.user),
    }
    return render(request, "accounts/my_account.html", context)
