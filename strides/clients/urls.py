from django.urls import path

from strides.clients import views

urlpatterns = [
    path("clients/", views.caseload, name="caseload"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<int:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:client_id>/episodes/new/", views.episode_new, name="episode_new"),
    path("episodes/<int:episode_id>/edit/", views.episode_edit, name="episode_edit"),
    path("episodes/<int:episode_id>/end/", views.episode_end, name="episode_end"),
    path(
        "episodes/<int:episode_id>/appointments/new/", views.appointment_new, name="appointment_new"
    ),
    path(
        "appointments/<int:appointment_id>/edit/", views.appointment_edit, name="appointment_edit"
    ),
    path("break-glass/", views.break_glass, name="break_glass"),
]
