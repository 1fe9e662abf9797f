import csv

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from strides.audit.selectors import audit_events
from strides.audit.services import audit_record
from strides.lib.csv_cells import safe_row
from strides.web.requests import AuthedRequest, staff_required

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("To"), required=False, widget=DATE)
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    client_id = forms.IntegerField(label=_("Client number"), required=False, min_value=1)
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=64)


def _filtered(request: AuthedRequest) -> tuple[AuditFilterForm, dict[str, object]]:
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, object] = {}
    if form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    return form, filters


@staff_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    form, filters = _filtered(request)
    events = audit_events(actor=request.user, **filters)  # type: ignore[arg-type]
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/audit_list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_required
def audit_export(request: AuthedRequest) -> StreamingHttpResponse:
    _form, filters = _filtered(request)
    events = audit_events(actor=request.user, **filters)  # type: ignore[arg-type]
    audit_record(
        actor=request.user,
        action="audit.export",
        detail={key: str(value) for key, value in filters.items()},
    )
    writer = csv.writer(_Echo())
    header = [
        "id",
        "at",
        "actor",
        "action",
        "outcome",
        "client",
        "object_type",
        "object_id",
        "source",
        "detail",
        "hash",
    ]

    def rows():  # type: ignore[no-untyped-def]
        yield writer.writerow(header)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(
                safe_row(
                    [
                        event.id,
                        event.at.isoformat(),
                        event.actor_label,
                        event.action,
                        event.outcome,
                        event.client_id or "",
                        event.object_type,
                        event.object_id,
                        event.source,
                        event.detail,
                        event.hash,
                    ]
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="strides-audit.csv"'
    return response
