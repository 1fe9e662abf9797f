from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "strides.web"
    label = "web"
