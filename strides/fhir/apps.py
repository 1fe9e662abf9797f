from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "strides.fhir"
    label = "fhir"
    verbose_name = "FHIR R4"
