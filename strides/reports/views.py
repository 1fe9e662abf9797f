from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from strides.reports import selectors, services
from strides.reports.audiences import parse_audience
from strides.reports.exports import ExportKind, Scope, csv_lines, export_rows
from strides.reports.sign_in import clinic_export_refusal
from strides.web.requests import AuthedRequest, staff_required


@staff_required
@require_GET
def report_pdf(request: AuthedRequest, episode_id: int) -> HttpResponse:
    audience = parse_audience(request.GET.get("audience", ""))
    if audience is None:
        raise Http404("No such report.")
    episode = selectors.report_episode(actor=request.user, episode_id=episode_id, audience=audience)
    pdf = services.report_create(actor=request.user, episode=episode, audience=audience)
    response = HttpResponse(pdf, content_type="application/pdf")
    # The file name carries ids only: a client's name never lands in a downloads folder.
    name = f"strides-episode-{episode.pk}-{audience}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _exports_page(
    request: AuthedRequest, scope: Scope, refusal: str, status: int = 200
) -> HttpResponse:
    context = {
        "scope": scope,
        "kinds": list(ExportKind),
        "refusal": refusal,
        "reauthenticate": f"{reverse('account_reauthenticate')}?next={reverse('exports')}",
    }
    return render(request, "reports/exports.html", context, status=status)


@staff_required
@require_GET
def exports(request: AuthedRequest) -> HttpResponse:
    scope = selectors.export_scope(request.user)
    if scope is None:
        raise Http404("No such page.")
    refusal = clinic_export_refusal(request, request.user) if scope == Scope.CLINIC else ""
    return _exports_page(request, scope, refusal)


@staff_required
@require_GET
def export_csv(request: AuthedRequest, kind: str) -> HttpResponse | StreamingHttpResponse:
    scope = selectors.export_scope(request.user)
    if scope is None or kind not in ExportKind:
        raise Http404("No such export.")
    if scope == Scope.CLINIC and (refusal := clinic_export_refusal(request, request.user)):
        services.export_refused(actor=request.user, kind=kind, scope=scope)
        return _exports_page(request, scope, refusal, status=403)
    services.export_record(actor=request.user, kind=kind, scope=scope)
    episodes = selectors.export_episodes(actor=request.user)
    response = StreamingHttpResponse(
        csv_lines(export_rows(ExportKind(kind), episodes, scope)), content_type="text/csv"
    )
    name = f"strides-{kind}-{scope}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
