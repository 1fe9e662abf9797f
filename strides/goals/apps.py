from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "strides.goals"
    label = "goals"
