from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "strides.accounts"
    label = "accounts"

    def ready(self) -> None:
        from strides.accounts import signals  # noqa: F401  (connects the login audit)
