from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strides.accounts.permissions import Access
from strides.assessments import selectors, services
from strides.assessments.forms import AssessmentForm, ChooseInstrumentForm, initial_from
from strides.assessments.models import Assessment, Mode
from strides.clients.selectors import episode_for_actor
from strides.instruments import get_instrument
from strides.outcomes.plan import planned_for
from strides.web.forms import add_service_errors
from strides.web.requests import AuthedRequest, staff_required


def _announce(request: AuthedRequest, assessment: Assessment) -> None:
    total = "—" if assessment.total is None else f"{assessment.total:g}"
    messages.success(
        request,
        _("%(instrument)s saved: total %(total)s.")
        % {"instrument": get_instrument(assessment.instrument_code).name, "total": total},
    )
    for row in selectors.answer_rows(assessment):
        if row.risk and row.number in assessment.risk_items:
            messages.error(
                request,
                _(
                    "Risk item endorsed: item %(n)s “%(text)s”, answered "
                    "%(value)s (%(label)s). Please follow your safety "
                    "procedure today."
                )
                % {"n": row.number, "text": row.text, "value": row.value, "label": row.label},
            )


def _client_page(assessment: Assessment) -> str:
    url = reverse("client_detail", args=[assessment.episode.client_id])
    return f"{url}#assessment-{assessment.pk}"


@staff_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = episode_for_actor(
        actor=request.user, episode_id=episode_id, need=Access.WRITE, action="assessment.new"
    )
    instruments = selectors.client_instruments()
    code = request.GET.get("instrument", "")
    if code not in {i.code for i in instruments}:
        plan = planned_for(episode=episode)
        chooser = ChooseInstrumentForm(
            instruments=instruments, planned=plan.planned, given_today=plan.given_today
        )
        return render(
            request,
            "assessments/choose.html",
            {"episode": episode, "client": episode.client, "form": chooser},
        )
    instrument = get_instrument(code)
    appointments = episode.appointments.order_by("-at")
    today = timezone.localdate()
    form = AssessmentForm(
        request.POST or None,
        instrument=instrument,
        episode=episode,
        appointments=appointments,
        initial={
            "taken_on": today,
            "appointment": appointments.filter(at__date=today).first(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                actor=request.user,
                episode=episode,
                instrument_code=instrument.code,
                answers=form.answers(),
                taken_on=form.cleaned_data["taken_on"],
                submission_key=form.cleaned_data["submission_key"],
                mode=form.cleaned_data["mode"] or Mode.IN_SESSION,
                appointment=form.cleaned_data["appointment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _announce(request, assessment)
            return redirect(_client_page(assessment))
    context = {
        "episode": episode,
        "client": episode.client,
        "form": form,
        "instrument": instrument,
        "amending": None,
    }
    return render(request, "assessments/form.html", context)


@staff_required
def assessment_detail(request: AuthedRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_for_actor(actor=request.user, assessment_id=assessment_id)
    context = {
        "assessment": assessment,
        "client": assessment.episode.client,
        "instrument": get_instrument(assessment.instrument_code),
        "answers": selectors.answer_rows(assessment),
        "can_change": selectors.can_change(actor=request.user, assessment=assessment),
    }
    return render(request, "assessments/detail.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def assessment_amend(request: AuthedRequest, assessment_id: int) -> HttpResponse:
    original = selectors.assessment_for_actor(
        actor=request.user,
        assessment_id=assessment_id,
        need=Access.WRITE,
        action="assessment.edit",
    )
    if not original.is_current:
        raise Http404("Only the current version can be corrected.")
    instrument = get_instrument(original.instrument_code)
    initial = {"taken_on": original.taken_on, **initial_from(original.answers)}
    form = AssessmentForm(
        request.POST or None,
        instrument=instrument,
        episode=original.episode,
        with_reason=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            amended = services.assessment_amend(
                actor=request.user,
                original=original,
                answers=form.answers(),
                taken_on=form.cleaned_data["taken_on"],
                reason=form.cleaned_data["reason"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _announce(request, amended)
            return redirect(_client_page(amended))
    context = {
        "episode": original.episode,
        "client": original.episode.client,
        "form": form,
        "instrument": instrument,
        "amending": original,
    }
    return render(request, "assessments/form.html", context)
