"""Running the `strides` console command in a child process, as a user would.

Each run gets an environment without the test run's own Strides settings, so the child
reads only what the test gives it (a var folder, a database URL, ...).
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The console script installed beside the interpreter that runs the tests.
STRIDES = Path(sys.executable).with_name("strides")
# What the test run itself may have set (the browser tests allow async-unsafe calls).
TEST_RUN_SETTINGS = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "STRIDES_VAR_DIR",
    "STRIDES_DATABASE_URL",
    "STRIDES_SECRET_KEY",
    "STRIDES_ENCRYPTION_KEYS",
    "STRIDES_ENCRYPTION_KEY_FILE",
    "STRIDES_DEBUG",
    "STRIDES_HTTPS",
    "STRIDES_ALLOWED_HOSTS",
    "STRIDES_DEMO_PASSWORD",
    "XDG_DATA_HOME",
}


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in TEST_RUN_SETTINGS}
    return env | dict(extra)


def usual_umask() -> None:
    """Run the child under the common umask 022, where new files are readable by all."""
    os.umask(0o022)


def strides(
    *args: str,
    env: Mapping[str, str],
    cwd: Path = PROJECT_ROOT,
    stdin: str = "",
    timeout: float = 120,
    program: Path = STRIDES,
) -> subprocess.CompletedProcess[str]:
    """Run `strides ARGS` to completion in its own session (no terminal: prompts read stdin)."""
    return subprocess.run(
        [str(program), *args],
        env=clean_env(env),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        start_new_session=True,
        preexec_fn=usual_umask,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_answer(
    port: int, path: str, *, headers: Mapping[str, str], timeout: float
) -> tuple[int, str]:
    """Status and Location of the first answer from 127.0.0.1:`port` (redirects not followed)."""
    deadline = time.monotonic() + timeout
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path, headers=dict(headers))
            response = connection.getresponse()
            return response.status, response.getheader("Location", "")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
        finally:
            connection.close()
