"""No client data in any log: a full sequence of requests through gunicorn (several
workers, application log at INFO) with a distinctive synthetic client name and note text,
then every log (gunicorn access and error logs, the application's own log on stderr) is
searched for them, as typed and URL-encoded."""

import re
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.reliability.harness import (
    Browser,
    Gunicorn,
    Instance,
    StaffAssessmentSubmitter,
    hammer,
)

pytestmark = pytest.mark.processes

NAME = "Quillfeather Zephyrine"
NOTE = "Marker note: Vantablack orchard dream, Tuesday."
MARKERS = ["Quillfeather", "Zephyrine", "Vantablack", "orchard dream"]


def test_no_client_data_in_logs(tmp_path: Path) -> None:
    instance = Instance(tmp_path / "var", extra_env={"STRIDES_LOG_LEVEL": "INFO"})
    episodes = instance.seed(clients=1)
    server = Gunicorn(instance, workers=2, log_dir=tmp_path)
    server.start()
    requests = 0
    try:
        browser = Browser(server.base)
        browser.sign_in("rita")
        today = time.strftime("%Y-%m-%d")
        # The episode starts a week ago, so the appointment an hour ago is inside it even
        # just after midnight.
        week_ago = time.strftime("%Y-%m-%d", time.localtime(time.time() - 7 * 86400))
        made = browser.post(
            "/clients/new/",
            {
                "display_name": NAME,
                "episode_start": week_ago,
                "presenting_problem": NOTE,
                "anxiety_measure": "gad7",
                "milestones_enabled": "on",
            },
        )
        assert made.status == 302, made.status
        client_path = made.headers["Location"].split("#")[0]
        client_id = int(re.findall(r"\d+", client_path)[-1])
        # An invalid form echoing the marker back, a search by name (POST and in a URL), a
        # wrong sign-in with the name as username, a missing record with the name in the URL.
        bad = browser.post("/clients/new/", {"display_name": NAME, "episode_start": "31.02."})
        assert bad.status == 200 and NAME in bad.body
        searched = browser.post("/clients/", {"q": "Quillfeather"})
        assert searched.status == 200 and NAME in searched.body
        query = urllib.parse.urlencode({"q": NAME, "next": f"/{NAME}/"})
        assert browser.get(f"/clients/?{query}").status == 200
        assert browser.get(f"/clients/999999/?{query}").status == 404
        assert (
            Browser(server.base).post("/accounts/login/", {"login": NAME, "password": NOTE}).status
            == 200
        )
        appointment = int(
            instance.python(
                f"""
            from datetime import timedelta
            from django.utils import timezone
            from strides.accounts.models import User
            from strides.clients.models import Episode
            from strides.clients.services import appointment_create
            episode = Episode.objects.get(client_id={client_id})
            rita = User.objects.get(username="rita")
            print(appointment_create(actor=rita, episode=episode,
                                     at=timezone.now() - timedelta(hours=1)).pk)
            """
            ).split()[-1]
        )
        saved = browser.post(
            f"/appointments/{appointment}/note/", {"text": NOTE, "base_version": "0"}
        )
        assert saved.status == 302, saved.status
        episode = int(
            instance.python(
                f"from strides.clients.models import Episode; "
                f"print(Episode.objects.get(client_id={client_id}).pk)"
            ).split()[-1]
        )
        recorded = hammer(StaffAssessmentSubmitter(browser, [episode], today), count=3, threads=1)
        assert all(o.acknowledged for o in recorded)
        pages = [
            client_path,
            f"/appointments/{appointment}/note/",
            "/clients/",
            "/attention/",
            "/wins/",
            f"/episodes/{episodes[0]}/assessments/new/?instrument=phq9",
        ]
        for path in pages:
            page = browser.get(path)
            assert page.status == 200, (path, page.status)
        assert NAME in browser.get(client_path).body
        requests = 9 + len(recorded) + len(pages) + 1
    finally:
        server.stop()
    logs = [server.access_log, server.error_log]
    text = {log.name: log.read_text(errors="replace") for log in logs}
    assert text[server.access_log.name].count('"POST ') >= 6  # the log did record the requests
    found = [
        (name, marker)
        for name, content in text.items()
        for marker in MARKERS
        for form in (marker, urllib.parse.quote(marker), urllib.parse.quote_plus(marker))
        if form.lower() in content.lower()
    ]
    assert not found, f"client data in the logs: {found}"
    lines = sum(content.count("\n") for content in text.values())
    print(
        f"log privacy: {requests} requests with {len(MARKERS)} markers; {len(logs)} logs, "
        f"{lines} lines searched (as typed and URL-encoded): 0 found"
    )
