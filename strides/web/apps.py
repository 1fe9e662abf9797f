from django.apps import AppConfig
from django.core import checks


class WebConfig(AppConfig):
    name = "strides.web"
    label = "web"

    def ready(self) -> None:
        from strides.deployment import check_private_files

        checks.register(check_private_files, checks.Tags.security)
