"""`strides serve` on a free loopback port, and a signed-in HTTP client that times pages.

Times are measured by the client from sending the request to the last byte of the
response, on loopback, one request at a time (gunicorn's sync workers close every
connection, so each request pays the same connect cost as the `/healthz` floor).
"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def strides_command() -> list[str]:
    """The `strides` console command of this installation."""
    beside = Path(sys.executable).parent / "strides"
    found = str(beside) if beside.exists() else shutil.which("strides")
    if found is None:
        raise RuntimeError("cannot find the `strides` command next to this Python")
    return [found]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    seconds: float


class Browser:
    """Keeps cookies like a browser; one connection per request, as gunicorn closes them."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: Mapping[str, str] | None = None, anonymous: bool = False
    ) -> Response:
        headers = {"Host": "127.0.0.1"}
        if self.cookies and not anonymous:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            start = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            data = reply.read()
            seconds = time.perf_counter() - start
        finally:
            connection.close()
        if not anonymous:
            for cookie in reply.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Response(reply.status, data, seconds)

    def sign_in(self, login_path: str, username: str, password: str) -> None:
        page = self.request("GET", login_path)
        token = CSRF_FIELD.search(page.body.decode())
        if page.status != 200 or token is None:
            raise RuntimeError(f"the sign-in page answered {page.status} without a form")
        form = {"login": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        answer = self.request("POST", login_path, form)
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"signing in as {username} failed ({answer.status})")


@contextmanager
def serving(env: Mapping[str, str], log: Path) -> Iterator[tuple[int, int]]:
    """Run `strides serve` with `env`; yield (port, gunicorn master pid), then stop it."""
    port = free_port()
    command = [*strides_command(), "serve", "--addr", f"127.0.0.1:{port}", "--workers", "2"]
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603  (our own command, fixed arguments)
            command,
            # A slow page is a figure to report, not a worker to kill (gunicorn's default
            # timeout is 30 s).
            env={**os.environ, "GUNICORN_CMD_ARGS": "--timeout 900", **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(port, server)
            yield port, server.pid
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_healthy(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"`strides serve` exited with {server.returncode}; see its log")
        try:
            if Browser(port).request("GET", "/healthz", anonymous=True).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("`strides serve` did not answer /healthz within 120 s")


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), from /proc."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)
