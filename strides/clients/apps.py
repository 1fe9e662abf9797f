from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "strides.clients"
    label = "clients"
