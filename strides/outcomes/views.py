from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from strides.accounts.models import Role
from strides.alerts import selectors as alert_selectors
from strides.goals.selectors import goal_labels
from strides.outcomes import dashboard
from strides.web.requests import AuthedRequest, staff_required


@staff_required
def attention(request: AuthedRequest) -> HttpResponse:
    alerts = dashboard.attention_list(actor=request.user)
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "groups": dashboard.group_by_client(page),
        "handled_episode_ids": alert_selectors.handled_episode_ids(
            actor=request.user, episode_ids=(alert.episode_id for alert in page)
        ),
    }
    return render(request, "outcomes/attention.html", context)


@staff_required
def wins(request: AuthedRequest) -> HttpResponse:
    milestones = dashboard.wins_list(actor=request.user)
    page = Paginator(milestones, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "groups": dashboard.group_wins(page),
        "goal_labels": goal_labels(episodes={milestone.episode_id for milestone in page}),
        "can_change": request.user.role == Role.THERAPIST,
    }
    return render(request, "outcomes/wins.html", context)
