from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strides.clinic_outcomes.periods import PERIOD_LABELS, period_for
from strides.instruments import get_instrument
from strides.web.forms import add_service_errors
from strides.web.requests import AuthedRequest, staff_required
from strides.wellbeing import selectors, services
from strides.wellbeing.forms import CheckInForm, MomentForm, ScheduleForm


def _period(request: AuthedRequest) -> selectors.Period:
    return period_for(request.GET.get("period"), today=timezone.localdate())


@staff_required
def impact(request: AuthedRequest) -> HttpResponse:
    found = selectors.impact(actor=request.user, period=_period(request))
    context = {"impact": found, "periods": PERIOD_LABELS, "year": timezone.localdate().year}
    return render(request, "wellbeing/impact.html", context)


@staff_required
def impact_stories(request: AuthedRequest, kind: str) -> HttpResponse:
    period = _period(request)
    found = selectors.stories(actor=request.user, period=period, kind=kind)
    context = {
        "stories": found,
        "period": period,
        "title": selectors.impact_titles()[kind],
        "kind": kind,
    }
    return render(request, "wellbeing/stories.html", context)


@staff_required
def year_in_review(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    review = selectors.year_in_review(actor=request.user, year=year)
    return render(request, "wellbeing/year_in_review.html", {"review": review})


@staff_required
@require_http_methods(["GET", "POST"])
def moment_new(request: AuthedRequest) -> HttpResponse:
    selectors.own_side(request.user)
    milestone_id = request.POST.get("milestone") or request.GET.get("milestone")
    milestone = (
        services.own_milestone(actor=request.user, milestone_id=int(milestone_id))
        if milestone_id and milestone_id.isdigit()
        else None
    )
    form = MomentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moment_write(
                actor=request.user, text=form.cleaned_data["text"], milestone=milestone
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Kept. You will find it on your impact page."))
            return redirect("impact")
    context = {"form": form, "milestone": milestone}
    return render(request, "wellbeing/moment_form.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def moment_detail(request: AuthedRequest, moment_id: int) -> HttpResponse:
    moment = selectors.own_moment(actor=request.user, moment_id=moment_id)
    if request.method == "POST":
        services.moment_delete(actor=request.user, moment=moment)
        messages.success(request, _("The moment was removed."))
        return redirect("impact")
    return render(request, "wellbeing/moment_detail.html", {"moment": moment})


@staff_required
@require_http_methods(["GET", "POST"])
def wellbeing(request: AuthedRequest) -> HttpResponse:
    found = selectors.wellbeing(actor=request.user)
    initial = {"every_days": found.schedule.every_days if found.schedule else 0}
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.schedule_set(actor=request.user, every_days=form.cleaned_data["every_days"])
        messages.success(request, _("Your check-in schedule is saved."))
        return redirect("wellbeing")
    return render(request, "wellbeing/wellbeing.html", {"wellbeing": found, "form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def checkin_new(request: AuthedRequest) -> HttpResponse:
    selectors.own_side(request.user)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_record(actor=request.user, answers=form.answers())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for checking in with yourself."))
            return redirect("wellbeing")
    context = {"form": form, "instrument": get_instrument(services.PROQOL)}
    return render(request, "wellbeing/checkin_form.html", context)
