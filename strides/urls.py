from django.urls import include, path

from strides.api.routes import api
from strides.web import views

handler500 = "strides.web.unavailable.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("strides.accounts.urls")),
    path("", include("strides.clients.urls")),
    path("", include("strides.assessments.urls")),
    path("", include("strides.alerts.urls")),
    path("", include("strides.milestones.urls")),
    path("", include("strides.outcomes.urls")),
    path("", include("strides.goals.urls")),
    path("", include("strides.notes.urls")),
    path("", include("strides.audit.urls")),
    path("", include("strides.reports.urls")),
    path("api/v1/", api.urls),
    path("", include("strides.api.urls")),
    path("fhir/r4/", include("strides.fhir.urls")),
    path("", include("strides.wellbeing.urls")),
    path("", include("strides.clinic_outcomes.urls")),
    path("", include("strides.portal.urls")),
]
