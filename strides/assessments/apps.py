from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "strides.assessments"
    label = "assessments"
