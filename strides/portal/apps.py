from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "strides.portal"
    label = "portal"
