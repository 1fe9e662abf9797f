from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "strides.backups"
    label = "backups"
