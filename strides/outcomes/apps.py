from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "strides.outcomes"
    label = "outcomes"
