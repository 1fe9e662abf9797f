from django.urls import path

from strides.fhir import views

urlpatterns = [
    path("metadata", views.metadata, name="fhir_metadata"),
    path("Patient/<int:client_id>/$everything", views.everything, name="fhir_everything"),
]
