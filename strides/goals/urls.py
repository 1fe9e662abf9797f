from django.urls import path

from strides.goals import views

urlpatterns = [
    path("episodes/<int:episode_id>/goals/", views.episode_goals, name="episode_goals"),
    path("episodes/<int:episode_id>/goals/new/", views.goal_new, name="goal_new"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/rate/", views.goal_rate, name="goal_rate"),
    path("goals/<int:goal_id>/status/", views.goal_status, name="goal_status"),
]
