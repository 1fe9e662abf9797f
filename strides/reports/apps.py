from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "strides.reports"
    label = "reports"
    verbose_name = "Progress reports and exports"
