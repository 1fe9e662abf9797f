from django.urls import path

from strides.assessments import views

urlpatterns = [
    path("episodes/<int:episode_id>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:assessment_id>/amend/", views.assessment_amend, name="assessment_amend"),
]
