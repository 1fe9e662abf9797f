"""Test-wide settings that must not touch a developer's own files."""

from collections.abc import Iterator

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, settings

# Property tests check answers, not speed: on a shared 2-core CI machine generating inputs
# can take seconds, which is no failure of the code under test.
settings.register_profile("strides", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("strides")


@pytest.fixture(autouse=True, scope="session")
def audit_checkpoints_of_the_test_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Checkpoints of the test databases go to a temporary file: `var/audit.checkpoints`
    records the developer's own database, which the test databases do not match."""
    path = tmp_path_factory.mktemp("audit") / "audit.checkpoints"
    with override_settings(STRIDES_AUDIT_CHECKPOINT_FILE=str(path)):
        yield
