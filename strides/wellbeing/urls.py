from django.urls import path

from strides.wellbeing import views

urlpatterns = [
    path("impact/", views.impact, name="impact"),
    path("impact/year-in-review/", views.year_in_review, name="year_in_review"),
    path("impact/<slug:kind>/", views.impact_stories, name="impact_stories"),
    path("moments/new/", views.moment_new, name="moment_new"),
    path("moments/<int:moment_id>/", views.moment_detail, name="moment_detail"),
    path("wellbeing/", views.wellbeing, name="wellbeing"),
    path("wellbeing/check-in/", views.checkin_new, name="checkin_new"),
]
