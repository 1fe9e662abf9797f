from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strides.alerts import selectors, services
from strides.alerts.forms import AcknowledgeForm, SnoozeForm
from strides.alerts.models import Alert
from strides.web.forms import add_service_errors
from strides.web.requests import AuthedRequest, redirect_back, staff_required


def _back(request: AuthedRequest, alert: Alert) -> HttpResponse:
    default = reverse("client_detail", args=[alert.episode.client_id]) + f"#alert-{alert.pk}"
    return redirect_back(request, default)


def _render_alert(request: AuthedRequest, alert: Alert, **forms: object) -> HttpResponse:
    context = {
        "alert": alert,
        "can_change": True,
        "next": request.POST.get("next", ""),
        "ack_form": forms.get("ack_form") or AcknowledgeForm(),
        "snooze_form": forms.get("snooze_form") or SnoozeForm(),
    }
    return render(request, "alerts/alert_page.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def alert_acknowledge(request: AuthedRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_to_handle_for_actor(actor=request.user, alert_id=alert_id)
    form = AcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_acknowledge(
                actor=request.user,
                alert=alert,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Alert acknowledged."))
            if request.htmx:
                return render(
                    request, "alerts/alert_item.html", {"alert": alert, "can_change": True}
                )
            return _back(request, alert)
    if request.htmx:
        # The card swaps itself: answer with the card and the form's message, never a page.
        context = {
            "alert": alert,
            "can_change": True,
            "ack_form": form,
            "next": request.POST.get("next", ""),
        }
        return render(request, "alerts/alert_item.html", context)
    return _render_alert(request, alert, ack_form=form)


@staff_required
@require_http_methods(["GET", "POST"])
def alert_snooze(request: AuthedRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_to_handle_for_actor(actor=request.user, alert_id=alert_id)
    form = SnoozeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_snooze(actor=request.user, alert=alert, until=form.cleaned_data["until"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Alert snoozed."))
            return _back(request, alert)
    return _render_alert(request, alert, snooze_form=form)


@staff_required
@require_http_methods(["POST"])
def alert_resolve(request: AuthedRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_to_handle_for_actor(actor=request.user, alert_id=alert_id)
    try:
        services.alert_resolve(actor=request.user, alert=alert)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, alert)
