from django.urls import path

from strides.reports import views

urlpatterns = [
    path("episodes/<int:episode_id>/report/", views.report_pdf, name="report_pdf"),
    path("exports/", views.exports, name="exports"),
    path("exports/<str:kind>/", views.export_csv, name="export_csv"),
]
