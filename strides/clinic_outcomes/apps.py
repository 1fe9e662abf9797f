from django.apps import AppConfig


class ClinicOutcomesConfig(AppConfig):
    name = "strides.clinic_outcomes"
    label = "clinic_outcomes"
