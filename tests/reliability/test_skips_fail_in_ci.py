"""A fault test this machine cannot run (no initdb, no tmpfs mount) is skipped on a
workstation but fails when CI is set (`.ci/run` exports CI=1): CI must run them all."""

import pytest

from tests.reliability.harness import unavailable


def test_unavailable_skips_here_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no initdb"):
        unavailable("no initdb")
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="no initdb; CI is set"):
        unavailable("no initdb")
    print("unavailable(): skipped without CI, failed with CI=1")
