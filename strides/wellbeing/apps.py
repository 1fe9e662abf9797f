from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "strides.wellbeing"
    label = "wellbeing"
