from dataclasses import dataclass, replace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strides.accounts.models import Role
from strides.accounts.permissions import Access
from strides.accounts.recent_sign_in import recent_sign_in_required
from strides.alerts import selectors as alert_selectors
from strides.assessments import selectors as assessment_selectors
from strides.clients import selectors, services
from strides.clients.forms import (
    AppointmentForm,
    BreakGlassForm,
    ClientForm,
    EndEpisodeForm,
    EpisodeForm,
    NewClientForm,
)
from strides.clients.models import Client, Episode
from strides.clients.timeline import client_timeline
from strides.goals import selectors as goal_selectors
from strides.outcomes import dashboard
from strides.outcomes.charts import InstrumentChart, XMode, episode_charts
from strides.outcomes.headline import Headline, headline, measure_order
from strides.outcomes.selectors import EpisodeOutcome, episode_outcome
from strides.portal import selectors as portal_selectors
from strides.reports import selectors as report_selectors
from strides.web.forms import add_service_errors
from strides.web.requests import AuthedRequest, staff_required
from strides.wellbeing.selectors import checkin_reminder


@dataclass(frozen=True)
class EpisodePanel:
    episode: Episode
    histories: list[assessment_selectors.InstrumentHistory]  # PHQ-9 first, then the main
    risks: list[assessment_selectors.RiskNotice]
    outcome: EpisodeOutcome
    headline: Headline | None
    charts: list[InstrumentChart]  # in the order of `histories`: the main chart first
    goals: goal_selectors.EpisodeGoals
    goal_chart: str
    goal_chart_narrow: str
    can_change: bool
    handles_alerts: bool


def _episode_panel(
    episode: Episode, *, x_mode: XMode, can_change: bool, handles_alerts: bool
) -> EpisodePanel:
    outcome = episode_outcome(episode=episode)
    histories = assessment_selectors.episode_histories(episode=episode)
    main = outcome.progress.main_instrument if outcome.progress else ""
    order = measure_order([h.instrument.code for h in histories], main)
    histories.sort(key=lambda history: order.index(history.instrument.code))
    charts = {chart.code: chart for chart in episode_charts(episode=episode, x_mode=x_mode)}
    goals = goal_selectors.episode_goals(episode=episode)
    return EpisodePanel(
        episode=episode,
        histories=histories,
        risks=assessment_selectors.risk_notices(episode=episode),
        outcome=outcome,
        headline=headline(outcome),
        charts=[charts[code] for code in order if code in charts],
        goals=goals,
        goal_chart=goal_selectors.goal_chart_svg(episode=episode, goals=goals),
        goal_chart_narrow=goal_selectors.goal_chart_svg(episode=episode, goals=goals, width=320),
        can_change=can_change,
        handles_alerts=handles_alerts,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def caseload(request: AuthedRequest) -> HttpResponse:
    # A client's name is searched for only in a POST body, so it never appears in a URL,
    # the access log or the browser history; the other filters may come in the query.
    # Page buttons post the filters back, so a search survives paging.
    if request.method == "POST":
        filters = dashboard.CaseloadFilters.from_query(request.POST)
        page = request.POST.get("page")
    else:
        filters = replace(dashboard.CaseloadFilters.from_query(request.GET), query="")
        page = request.GET.get("page")
    listing = dashboard.caseload_rows(actor=request.user, filters=filters, page=page)
    context = {
        "rows": listing.rows,
        "page": listing.page,
        "filters": filters,
        "status_filters": dashboard.STATUS_FILTERS,
        "sorts": {key: label for key, (label, _fields) in dashboard.SORTS.items()},
        "can_change": request.user.role == Role.THERAPIST,
        "whose": selectors.whose_caseload(actor=request.user),
    }
    if request.htmx and request.htmx.target == "caseload-results":
        return render(request, "clients/caseload.html#results", context)
    # The caseload read above is this page's one audit event; the summaries are part of it.
    wins = dashboard.wins_summary(actor=request.user)
    context |= {
        "attention": dashboard.attention_summary(actor=request.user),
        "wins": wins,
        "goal_labels": goal_selectors.goal_labels(
            episodes={milestone.episode_id for milestone in wins.top}
        ),
        "checkin_due": checkin_reminder(actor=request.user),
        "not_answered": portal_selectors.not_answered(actor=request.user),
    }
    return render(request, "clients/caseload.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def client_new(request: AuthedRequest) -> HttpResponse:
    if request.user.role != Role.THERAPIST:
        raise Http404("No such page.")
    form = NewClientForm(request.POST or None, initial={"episode_start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Welcome, %(name)s is on your caseload.") % {"name": client.display_name}
            )
            return redirect("client_detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@staff_required
def client_detail(request: AuthedRequest, client_id: int) -> HttpResponse:
    client, access = selectors.client_for_actor(actor=request.user, client_id=client_id)
    episodes = selectors.client_episodes(actor=request.user, client=client)
    writable = selectors.writable_episode_ids(actor=request.user, client=client)
    # Alert controls show on the actor's own episodes, open or ended.
    handled = alert_selectors.handled_episode_ids(
        actor=request.user, episode_ids=[episode.pk for episode in episodes]
    )
    x_mode: XMode = "session" if request.GET.get("x") == "session" else "date"
    context = {
        "client": client,
        "can_change": access == Access.WRITE,
        "panels": [
            _episode_panel(
                episode,
                x_mode=x_mode,
                can_change=episode.pk in writable,
                handles_alerts=episode.pk in handled,
            )
            for episode in episodes
        ],
        "goal_labels": goal_selectors.goal_labels(episodes=episodes),
        "break_glass_grants": selectors.break_glass_grants(client=client),
        "x_mode": x_mode,
        "timeline": client_timeline(episodes=episodes),
        "report_links": report_selectors.report_links(actor=request.user, episodes=episodes),
        "portal": portal_selectors.client_portal_panel(
            actor=request.user, client=client, episodes=episodes
        ),
    }
    return render(request, "clients/client_detail.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def client_edit(request: AuthedRequest, client_id: int) -> HttpResponse:
    client, _access = selectors.client_for_actor(
        actor=request.user, client_id=client_id, need=Access.WRITE, action="client.edit"
    )
    initial = {field: getattr(client, field) for field in ClientForm.base_fields}
    form = ClientForm(request.POST or None, initial=initial, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("client_detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@staff_required
@require_http_methods(["GET", "POST"])
def episode_new(request: AuthedRequest, client_id: int) -> HttpResponse:
    client, _access = selectors.client_for_actor(
        actor=request.user, client_id=client_id, need=Access.WRITE, action="episode.new"
    )
    form = EpisodeForm(request.POST or None, initial={"start": timezone.localdate()}, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_create(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("client_detail", client_id=client.pk)
    context = {"form": form, "client": client, "title": _("New episode")}
    return render(request, "clients/episode_form.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def episode_edit(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_for_actor(
        actor=request.user, episode_id=episode_id, need=Access.WRITE, action="episode.edit"
    )
    initial = {field: getattr(episode, field) for field in EpisodeForm.base_fields}
    form = EpisodeForm(
        request.POST or None, initial=initial, client=episode.client, episode=episode
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_update(actor=request.user, episode=episode, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("client_detail", client_id=episode.client_id)
    context = {"form": form, "client": episode.client, "title": _("Edit episode")}
    return render(request, "clients/episode_form.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def episode_end(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_for_actor(
        actor=request.user, episode_id=episode_id, need=Access.WRITE, action="episode.end"
    )
    form = EndEpisodeForm(
        request.POST or None, initial={"end": timezone.localdate()}, episode=episode
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_end(actor=request.user, episode=episode, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("client_detail", client_id=episode.client_id)
    context = {"form": form, "client": episode.client, "title": _("End episode")}
    return render(request, "clients/episode_form.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: AuthedRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_for_actor(
        actor=request.user, episode_id=episode_id, need=Access.WRITE, action="appointment.new"
    )
    form = AppointmentForm(request.POST or None, episode=episode)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_create(actor=request.user, episode=episode, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("client_detail", client_id=episode.client_id)
    context = {"form": form, "client": episode.client, "title": _("New appointment")}
    return render(request, "clients/episode_form.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def appointment_edit(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_for_actor(
        actor=request.user,
        appointment_id=appointment_id,
        need=Access.WRITE,
        action="appointment.edit",
    )
    initial = {
        "at": timezone.localtime(appointment.at),
        "kind": appointment.kind,
        "status": appointment.status,
    }
    form = AppointmentForm(request.POST or None, initial=initial, episode=appointment.episode)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_update(
                actor=request.user, appointment=appointment, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("client_detail", client_id=appointment.episode.client_id)
    context = {"form": form, "client": appointment.episode.client, "title": _("Edit appointment")}
    return render(request, "clients/episode_form.html", context)


@staff_required
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def break_glass(request: AuthedRequest) -> HttpResponse:
    if request.user.role != Role.ADMIN:
        raise Http404("No such page.")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = Client.objects.filter(pk=form.cleaned_data["client_number"]).first()
        if client is None:
            form.add_error("client_number", _("No client has that number."))
        else:
            try:
                services.break_glass_open(
                    actor=request.user, client=client, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("client_detail", client_id=client.pk)
    return render(request, "clients/break_glass.html", {"form": form})
