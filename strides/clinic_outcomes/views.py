from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from strides.clinic_outcomes import selectors
from strides.clinic_outcomes.periods import PERIOD_LABELS, period_for
from strides.clinic_outcomes.supervision import supervision_overview
from strides.web.requests import AuthedRequest, staff_required


@staff_required
def supervision(request: AuthedRequest) -> HttpResponse:
    context = {"supervisees": supervision_overview(actor=request.user)}
    return render(request, "clinic_outcomes/supervision.html", context)


def _outcomes(request: AuthedRequest, scope: str) -> HttpResponse:
    period = period_for(request.GET.get("period"), today=timezone.localdate())
    measure = request.GET.get("measure", "phq9")
    outcomes = selectors.outcomes_for_actor(
        actor=request.user, scope=scope, period=period, measure=measure
    )
    context = {
        "outcomes": outcomes,
        "scope": scope,
        "periods": PERIOD_LABELS,
        "measures": selectors.EFFECT_MEASURES,
    }
    return render(request, "clinic_outcomes/outcomes.html", context)


@staff_required
def team_outcomes(request: AuthedRequest) -> HttpResponse:
    return _outcomes(request, "team")


@staff_required
def clinic_outcomes(request: AuthedRequest) -> HttpResponse:
    return _outcomes(request, "clinic")
