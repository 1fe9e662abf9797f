from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "strides.alerts"
    label = "alerts"
