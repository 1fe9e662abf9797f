"""Real processes for the fault tests: a Strides instance (var folder + database), gunicorn
with several workers, a throwaway PostgreSQL cluster, and a small HTTP client that signs in.

Everything listens on 127.0.0.1 only. Each test owns its processes and stops them.
"""

import contextlib
import glob
import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn, Protocol

import pytest

from tests.operations.commands import PROJECT_ROOT, STRIDES, clean_env, free_port, strides

PASSWORD = "reliability-passphrase-1"
GUNICORN = [sys.executable, "-m", "gunicorn", "strides.wsgi:application"]


@dataclass
class Instance:
    """One Strides installation: its own var folder and database."""

    var_dir: Path
    database_url: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {"STRIDES_VAR_DIR": str(self.var_dir), **self.extra_env}
        if self.database_url:
            env["STRIDES_DATABASE_URL"] = self.database_url
        return env

    def run(self, *args: str, timeout: float = 300) -> str:
        done = strides(*args, env=self.env, timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"strides {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def python(self, code: str, timeout: float = 300) -> str:
        """Run Python inside this instance's Django (`strides shell -c`); its stdout."""
        return self.run("shell", "-c", textwrap.dedent(code), timeout=timeout)

    def seed(self, *, clients: int, username: str = "rita") -> list[int]:
        """Migrate, add a therapist with `PASSWORD` and `clients` clients; their episode ids."""
        self.run("migrate", "--verbosity", "0")
        out = self.python(
            f"""
            import json
            from datetime import date, timedelta
            from strides.accounts.models import User, Role
            from strides.clients.services import client_create
            rita = User.objects.create_user({username!r}, password={PASSWORD!r},
                                            role=Role.THERAPIST, first_name="Rita")
            ids = []
            for n in range({clients}):
                client = client_create(actor=rita, display_name=f"Synthetic Client {{n}}",
                                       episode_start=date.today() - timedelta(days=30))
                ids.append(client.episodes.get().pk)
            print(json.dumps(ids))
            """
        )
        return list(json.loads(out.strip().splitlines()[-1]))

    def stored_assessments(self) -> list[dict[str, object]]:
        """Every stored assessment: key, stored and recomputed total and band, and how many
        audit events record it (written in the same transaction: exactly one)."""
        out = self.python(
            """
            import json
            from strides.assessments.models import Assessment
            from strides.audit.models import AuditEvent
            from strides.instruments import score
            audited = {}
            for object_id in AuditEvent.objects.filter(
                action="assessment.record", object_type="assessments.assessment"
            ).exclude(outcome="denied").values_list("object_id", flat=True):
                audited[object_id] = audited.get(object_id, 0) + 1
            rows = []
            for a in Assessment.objects.all():
                answers = {int(k): v for k, v in a.answers.items()}
                again = score(a.instrument_code, answers)
                rows.append({"key": str(a.submission_key), "episode": a.episode_id,
                             "total": a.total, "band": a.band,
                             "recomputed_total": again.total,
                             "recomputed_band": again.band or "",
                             "audited": audited.get(str(a.pk), 0)})
            print(json.dumps(rows))
            """
        )
        return list(json.loads(out.strip().splitlines()[-1]))


class Gunicorn:
    """gunicorn serving one instance, with its access and error logs in files."""

    def __init__(
        self,
        instance: Instance,
        *,
        workers: int = 3,
        log_dir: Path,
        name: str = "app",
        config: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.instance = instance
        self.workers = workers
        self.port = free_port()
        self.access_log = log_dir / f"{name}-access.log"
        self.error_log = log_dir / f"{name}-error.log"
        self.config = config
        self.extra_env = dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        from strides.web.management.commands.serve import ACCESS_LOG_FORMAT

        argv = [
            *GUNICORN,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "60",
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--error-logfile",
            str(self.error_log),
            "--capture-output",
            "--no-control-socket",  # gunicorn 27's default socket is one per account
        ]
        if self.config is not None:
            argv += ["--config", str(self.config)]
        self.process = subprocess.Popen(
            argv,
            env=clean_env(self.instance.env | self.extra_env),
            cwd=PROJECT_ROOT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5):  # noqa: S310
                    return
            except urllib.error.HTTPError:
                return  # it answers (production settings refuse the bare address)
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        f"gunicorn did not start:\n{self.error_log.read_text(errors='replace')}"
                    ) from None
                time.sleep(0.2)

    def kill9(self) -> None:
        """SIGKILL to gunicorn's whole process group: master and every worker, at once."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None


class Worker:
    """`strides worker` for one instance, its output in a log file."""

    def __init__(
        self,
        instance: Instance,
        *,
        log_dir: Path,
        name: str = "worker",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.instance = instance
        self.log = log_dir / f"{name}.log"
        self.extra_env = dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, interval: float = 0.2) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(STRIDES), "worker", "--interval", str(interval)],
                env=clean_env(self.instance.env | self.extra_env | {"PYTHONUNBUFFERED": "1"}),
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill9(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]


class Browser:
    """Cookies, CSRF tokens and sign-in against one server (redirects not followed)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(
        self,
        path: str,
        data: Mapping[str, str] | None = None,
        timeout: float = 60,
        django_csrf: bool = True,
    ) -> Reply:
        """GET, or POST `data` (with Django's CSRF token unless `django_csrf` is false: the
        portal's forms carry their session's own token instead)."""
        body = None
        if data is not None:
            token = {"csrfmiddlewaretoken": self.csrf()} if django_csrf else {}
            body = urllib.parse.urlencode({**token, **data}).encode()
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Reply(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(errors="replace"), dict(error.headers))

    def get(self, path: str) -> Reply:
        return self.request(path)

    def post(
        self, path: str, data: Mapping[str, str], timeout: float = 60, django_csrf: bool = True
    ) -> Reply:
        return self.request(path, data, timeout=timeout, django_csrf=django_csrf)

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken" and cookie.value:
                return cookie.value
        self.get("/accounts/login/")
        return next(c.value for c in self.jar if c.name == "csrftoken" and c.value)

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.get("/accounts/login/")
        reply = self.post("/accounts/login/", {"login": username, "password": password})
        assert reply.status == 302, f"sign-in answered {reply.status}: {reply.body[:500]}"
        assert self.get("/").status in {200, 302}

    def set_cookie(self, name: str, value: str) -> None:
        """A cookie the server set elsewhere (a session made outside this browser)."""
        host = urllib.parse.urlsplit(self.base).hostname or "127.0.0.1"
        cookie = http.cookiejar.Cookie(
            version=0,
            name=name,
            value=value,
            port=None,
            port_specified=False,
            domain=host,
            domain_specified=False,
            domain_initial_dot=False,
            path="/",
            path_specified=True,
            secure=False,
            expires=None,
            discard=True,
            comment=None,
            comment_url=None,
            rest={},
        )
        self.jar.set_cookie(cookie)

    def use_session(self, other: "Browser") -> None:
        """Carry another browser's cookies (same host, another port)."""
        for cookie in other.jar:
            self.jar.set_cookie(cookie)


def phq9_form(key: str, total: int, taken_on: str) -> dict[str, str]:
    """The staff assessment form for a PHQ-9 adding up to `total` (item 9 at 0)."""
    data = {"taken_on": taken_on, "submission_key": key, "mode": "in_session", "item_9": "0"}
    remaining = total
    for item in range(1, 9):
        value = min(3, remaining)
        remaining -= value
        data[f"item_{item}"] = str(value)
    return data


def assessment_path(episode_id: int) -> str:
    return f"/episodes/{episode_id}/assessments/new/?instrument=phq9"


def unavailable(reason: str) -> NoReturn:
    """Skip a fault test this machine cannot run (no initdb, no tmpfs mount), but fail it
    when the environment variable CI is set: CI must run every fault test."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so this fault test must run, not skip")
    pytest.skip(reason)


# PostgreSQL of our own, so restarting it disturbs nobody else's database.
def postgres_bin() -> Path:
    """The PostgreSQL server binaries' folder (`unavailable` when there are none)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        unavailable("no PostgreSQL server binaries (initdb) in /usr/lib/postgresql/*/bin")
    return Path(found[-1]).parent


class PostgresCluster:
    """A throwaway cluster in a temporary folder on a free port (trust auth, loopback)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="strides-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run the cluster as postgres
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres")

    def _run(self, *argv: str, timeout: float = 120) -> None:
        subprocess.run([*self.as_user, *argv], check=True, capture_output=True, timeout=timeout)

    def url(self, database: str) -> str:
        return f"postgres://postgres:unused-local@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        if not self.data.exists():
            self._run(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
            )
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=on"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def createdb(self, name: str) -> None:
        self._run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class Submitter(Protocol):
    """Writes to hammer. `key(n)` is submission n's idempotency key as the stored
    assessment records it (`Instance.stored_assessments`); `submit` sends submission n
    (again, with the same key, when `resend` asks); `acknowledged` tells whether the
    answer promised it was stored."""

    def key(self, n: int) -> str: ...

    def submit(self, key: str, n: int) -> Reply: ...

    def acknowledged(self, reply: Reply) -> bool: ...


class StaffAssessmentSubmitter:
    """A therapist records PHQ-9s through the staff form, each POST with its own
    submission (idempotency) key. Acknowledged = the 302 to the client page."""

    def __init__(self, browser: Browser, episodes: list[int], taken_on: str) -> None:
        self.browser = browser
        self.episodes = episodes
        self.taken_on = taken_on

    def key(self, n: int) -> str:
        return str(uuid.uuid4())

    def submit(self, key: str, n: int) -> Reply:
        episode = self.episodes[n % len(self.episodes)]
        return self.browser.post(
            assessment_path(episode),
            phq9_form(key, total=n % 25, taken_on=self.taken_on),
            timeout=90,
        )

    @staticmethod
    def acknowledged(reply: Reply) -> bool:
        return reply.status == 302 and "/clients/" in reply.headers.get("Location", "")


@dataclass(frozen=True)
class PortalSession:
    session_key: str  # the portal session's cookie
    csrf: str  # its forms' own token
    key: str  # the submission key its stored assessment will carry


def portal_sessions(instance: Instance, episodes: list[int], count: int) -> list[PortalSession]:
    """`count` PHQ-9 invitations (no mail) over `episodes`, each with a portal session
    as the link and the answering step leave it (`new_portal_state`, the answers in it),
    stored server-side so the hammer's requests are the submissions themselves."""
    out = instance.python(
        f"""
        import json
        from importlib import import_module
        from django.conf import settings
        from django.db import transaction
        from strides.clients.models import Episode
        from strides.portal.middleware import PORTAL_KEY
        from strides.portal.services import _submission_key, invitation_create
        from strides.portal.views import new_portal_state
        store = import_module(settings.SESSION_ENGINE).SessionStore
        episodes = list(Episode.objects.filter(pk__in={episodes}).order_by("pk"))
        def portal_session(n):
            new = invitation_create(actor=None, episode=episodes[n % len(episodes)],
                                    instruments=["phq9"], send_email=False)
            state = new_portal_state(new.invitation)
            remaining = n % 25  # item 9 (risk) and the difficulty question at 0
            items = {{}}
            for item in range(1, 11):
                items[str(item)] = min(3, remaining) if item <= 8 else 0
                remaining -= items[str(item)]
            state["answers"]["phq9"] = items
            session = store()
            session[PORTAL_KEY] = state
            session.set_expiry(settings.STRIDES_PORTAL_SESSION_MINUTES * 60)
            session.save()
            return [session.session_key, state["csrf"],
                    str(_submission_key(new.invitation, "phq9"))]
        with transaction.atomic():  # one commit: the setup is not what is tested
            sessions = [portal_session(n) for n in range({count})]
        print(json.dumps(sessions))
        """
    )
    return [PortalSession(*row) for row in json.loads(out.strip().splitlines()[-1])]


class PortalSubmitter:
    """Clients send PHQ-9s through the portal's review page, each in a portal session of
    its own with its own idempotency key (`strides.portal.views.portal_review`).
    Acknowledged = the 302 to the thank-you page."""

    def __init__(self, base: str, sessions: list[PortalSession]) -> None:
        self.sessions = sessions
        self.browsers = [Browser(base) for _ in sessions]
        for browser, session in zip(self.browsers, sessions, strict=True):
            browser.set_cookie("sessionid", session.session_key)

    def key(self, n: int) -> str:
        return self.sessions[n].key

    def submit(self, key: str, n: int) -> Reply:
        assert key == self.key(n)
        return self.browsers[n].post(
            "/p/review", {"portal_csrf": self.sessions[n].csrf}, timeout=90, django_csrf=False
        )

    @staticmethod
    def acknowledged(reply: Reply) -> bool:
        return reply.status == 302 and reply.headers.get("Location", "").endswith("/p/thanks")


@dataclass
class Outcome:
    key: str
    n: int
    status: int
    at: float
    acknowledged: bool
    body: str = ""


def hammer(
    submitter: Submitter,
    *,
    count: int,
    threads: int,
    stop_after: float | None = None,
) -> list[Outcome]:
    """`count` submissions (fewer if `stop_after` seconds pass) from `threads` threads; a
    refused connection (the server is down) is status 0."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    started = time.monotonic()
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        if stop_after is not None and time.monotonic() - started > stop_after:
            return
        key = submitter.key(n)
        try:
            reply = submitter.submit(key, n)
        except OSError:
            reply = Reply(0, "", {})
        outcome = Outcome(
            key,
            n,
            reply.status,
            time.monotonic(),
            submitter.acknowledged(reply),
            reply.body if reply.status not in (0, 302) else "",
        )
        with lock:
            outcomes.append(outcome)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(count)))
    return outcomes


TRANSIENT = {502, 503, 504}  # a server still starting, a database coming back


def resend(submitter: Submitter, outcomes: list[Outcome], threads: int = 6) -> int:
    """Send every unacknowledged submission again with its own key, as a client would:
    again after a moment while the server answers that it is not ready (a transport
    error or a 502-504), at most five times. How many were resent; each must now be
    acknowledged, and the assertion names what each refused one was answered."""
    from concurrent.futures import ThreadPoolExecutor

    pending = [o for o in outcomes if not o.acknowledged]

    def one(o: Outcome) -> tuple[bool, str]:
        answer = "no answer"
        for attempt in range(5):
            try:
                reply = submitter.submit(o.key, o.n)
            except OSError as error:  # refused or reset while the server restarts
                answer = f"transport error {error.__class__.__name__}"
            else:
                if submitter.acknowledged(reply):
                    return True, ""
                answer = f"{reply.status} {reply.headers.get('Location', '')}".strip()
                if reply.status not in TRANSIENT:
                    return False, answer
            time.sleep(0.5 * (attempt + 1))
        return False, answer

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, pending))
    refused = Counter(answer for ok, answer in results if not ok)
    assert not refused, (
        f"{sum(refused.values())} resent submissions were not acknowledged: {dict(refused)}"
    )
    return len(pending)
