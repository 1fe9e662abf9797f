from django.urls import include, path

from strides.web import views

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
    path("", include("strides.portal.urls")),
]
