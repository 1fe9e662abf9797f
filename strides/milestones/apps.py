from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "strides.milestones"
    label = "milestones"
