"""Production settings end to end: gunicorn behind a (simulated) TLS proxy with the settings
an installation uses (debug off, HTTPS on). Cookies Secure + HttpOnly + SameSite, HSTS,
X-Frame-Options DENY, a CSP without 'unsafe-inline', no-store on client pages, plain HTTP
redirected, `check --deploy --fail-level WARNING` clean, and two-factor required for
admins and supervisors by default (therapists are not sent to set it up)."""

import http.client
import secrets
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.operations.commands import strides
from tests.reliability.harness import PASSWORD, Gunicorn, Instance

pytestmark = pytest.mark.processes

HOST = "strides.example.org"


class ProxiedClient:
    """Requests as the TLS proxy forwards them: Host and X-Forwarded-Proto: https."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.set_cookies: dict[str, str] = {}

    def send(
        self, method: str, path: str, form: dict[str, str] | None = None, *, https: bool = True
    ) -> http.client.HTTPResponse:
        headers = {"Host": HOST}
        if https:
            headers["X-Forwarded-Proto"] = "https"
            headers["Referer"] = f"https://{HOST}/accounts/login/"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": self.cookies["csrftoken"], **form}
            )
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        for raw in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
                self.set_cookies[name] = raw
        connection.close()
        return response


def test_production_settings_end_to_end(tmp_path: Path) -> None:
    production = {
        "STRIDES_DEBUG": "0",
        "STRIDES_HTTPS": "1",
        "STRIDES_ALLOWED_HOSTS": HOST,
        "STRIDES_SECRET_KEY": secrets.token_urlsafe(50),
    }
    instance = Instance(tmp_path / "var", extra_env=production)
    instance.seed(clients=1)
    instance.python(
        f"""
        from strides.accounts.models import User, Role
        User.objects.create_user("ada", password={PASSWORD!r}, role=Role.ADMIN)
        User.objects.create_user("sam", password={PASSWORD!r}, role=Role.SUPERVISOR)
        """
    )
    roles = instance.python(
        "from django.conf import settings; print(sorted(settings.STRIDES_MFA_REQUIRED_ROLES))"
    )
    assert roles.strip().splitlines()[-1] == "['admin', 'supervisor']"
    deploy = strides("check", "--deploy", "--fail-level", "WARNING", env=instance.env)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr

    server = Gunicorn(instance, workers=2, log_dir=tmp_path)
    server.start()
    checked = 0
    try:
        plain = ProxiedClient(server.port).send("GET", "/accounts/login/", https=False)
        assert plain.status == 301 and plain.headers["Location"].startswith(f"https://{HOST}/")

        therapist = ProxiedClient(server.port)
        login = therapist.send("GET", "/accounts/login/")
        assert login.status == 200
        assert login.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert login.headers["X-Frame-Options"] == "DENY"
        csp = login.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert login.headers["X-Content-Type-Options"] == "nosniff"
        signed_in = therapist.send(
            "POST", "/accounts/login/", {"login": "rita", "password": PASSWORD}
        )
        assert signed_in.status == 302, signed_in.status
        for name in ("csrftoken", "sessionid"):
            raw = therapist.set_cookies[name].lower()
            assert "secure" in raw and "httponly" in raw and "samesite=lax" in raw, raw
            checked += 1
        pages = ["/clients/", "/clients/1/", "/attention/", "/wins/"]
        for path in pages:
            page = therapist.send("GET", path)
            assert page.status == 200, (path, page.status)
            assert "no-store" in page.headers["Cache-Control"], path
            assert page.headers["X-Frame-Options"] == "DENY"
            checked += 1

        for username in ("ada", "sam"):
            staff = ProxiedClient(server.port)
            staff.send("GET", "/accounts/login/")
            staff.send("POST", "/accounts/login/", {"login": username, "password": PASSWORD})
            home = staff.send("GET", "/clients/")
            assert home.status == 302 and "/accounts/2fa/totp/activate" in home.headers["Location"]
        assert therapist.send("GET", "/").status in (200, 302)
    finally:
        server.stop()
    print(
        f"production settings: check --deploy clean; plain HTTP redirected; HSTS, DENY, CSP "
        f"without unsafe-inline; 2 cookies Secure/HttpOnly/SameSite; {len(pages)} client pages "
        "no-store; 2FA required of 2 roles (admin, supervisor), not of therapists"
    )
