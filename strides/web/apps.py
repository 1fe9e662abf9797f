from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """Every `migrate` (and so `strides serve` and `strides demo`) makes the cache table.

    allauth's rate limits live in Django's cache; a database table is the one cache all
    gunicorn workers and app servers share without another service to run. The signal
    comes once per app with models (this app has none); an existing table is left alone.
    """
    call_command("createcachetable", database=using, verbosity=0)


class WebConfig(AppConfig):
    name = "strides.web"
    label = "web"

    def ready(self) -> None:
        from strides.deployment import check_private_files

        checks.register(check_private_files, checks.Tags.security)
        post_migrate.connect(create_cache_table, dispatch_uid="strides_cache_table")
