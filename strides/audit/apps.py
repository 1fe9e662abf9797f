from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "strides.audit"
    label = "audit"
