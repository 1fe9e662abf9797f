"""The refusal to start in production with insecure settings.

Called at the end of settings.py when debug is off. Each problem names the variable
to change, so an IT person can fix it without reading code.
"""

from urllib.parse import urlparse

WEAK_SECRETS = {"", "secret", "changeme", "change-me", "django-insecure", "strides", "dev"}
MIN_SECRET_LENGTH = 40


class InsecureSettings(RuntimeError):
    """Raised at start-up when debug is off and a setting would be unsafe."""


def insecure_setting_problems(
    *, secret_key: str, allowed_hosts: list[str], database_url: str
) -> list[str]:
    problems: list[str] = []
    if (
        secret_key.lower() in WEAK_SECRETS
        or secret_key.startswith("django-insecure")
        or len(secret_key) < MIN_SECRET_LENGTH
        or len(set(secret_key)) < 10
    ):
        problems.append(
            "STRIDES_SECRET_KEY is weak or a default. Unset it to have Strides generate one "
            "under var/, or set it to a random string of at least 40 characters "
            '(python3 -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    if not allowed_hosts or any(host.strip() in {"*", ".*"} for host in allowed_hosts):
        problems.append(
            "STRIDES_ALLOWED_HOSTS must list the host names Strides is served under "
            "(comma-separated, e.g. strides.example.org), not '*' or nothing."
        )
    parsed = urlparse(database_url)
    if parsed.scheme.startswith("postgres") and not parsed.password:
        problems.append(
            "STRIDES_DATABASE_URL has an empty database password; use "
            "postgres://USER:PASSWORD@HOST:5432/NAME."
        )
    return problems


def refuse_insecure_settings(
    *, secret_key: str, allowed_hosts: list[str], database_url: str
) -> None:
    problems = insecure_setting_problems(
        secret_key=secret_key, allowed_hosts=allowed_hosts, database_url=database_url
    )
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise InsecureSettings(
            "Strides refuses to start with debug off and insecure settings:\n"
            f"{lines}\n(For a local trial only, STRIDES_DEBUG=1 lifts this check.)"
        )
