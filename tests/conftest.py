import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """Argon2 is right in production and needlessly slow for thousands of test logins."""
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        yield
