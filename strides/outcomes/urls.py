from django.urls import path

from strides.outcomes import views

urlpatterns = [
    path("attention/", views.attention, name="attention"),
    path("wins/", views.wins, name="wins"),
]
