from django.urls import path

from strides.reports import views
from strides.reports.exports import ExportKind

urlpatterns = [
    path("episodes/<int:episode_id>/report/", views.report_pdf, name="report_pdf"),
    path("exports/", views.exports, name="exports"),
    *(
        path(f"exports/{kind}/", views.export_csv, {"kind": kind.value}, name=f"export_{kind}")
        for kind in ExportKind
    ),
]
