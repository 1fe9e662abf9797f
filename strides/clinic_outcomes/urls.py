from django.urls import path

from strides.clinic_outcomes import views

urlpatterns = [
    path("supervision/", views.supervision, name="supervision"),
    path("outcomes/team/", views.team_outcomes, name="team_outcomes"),
    path("outcomes/clinic/", views.clinic_outcomes, name="clinic_outcomes"),
]
