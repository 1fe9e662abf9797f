from django.urls import path

from strides.milestones import views

urlpatterns = [
    path(
        "milestones/<int:milestone_id>/celebrate/",
        views.milestone_celebrate,
        name="milestone_celebrate",
    ),
    path("episodes/<int:episode_id>/milestones/new/", views.milestone_new, name="milestone_new"),
    path(
        "milestones/<int:milestone_id>/message/", views.milestone_message, name="milestone_message"
    ),
]
