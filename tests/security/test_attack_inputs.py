"""The attack suite's inputs: a child under the wrong parent, mass assignment, SQL in
ordering and filter parameters, stored and reflected XSS, CSRF on every state change and
open redirects through `next`. The URLs come from the walk's table (test_attack_urls),
so every pattern the walk covers is attacked here too."""

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from strides.accounts.models import Role, User
from strides.alerts.services import alert_acknowledge
from strides.api.models import AccessToken
from strides.assessments.models import Assessment
from strides.assessments.services import assessment_amend
from strides.clients.models import Appointment, Client, Episode
from strides.clients.services import break_glass_open, client_create, episode_update
from strides.goals.models import Goal, GoalRating
from strides.goals.services import goal_create, goal_set_status
from strides.milestones.models import CelebrationMessage
from strides.milestones.services import milestone_queue_message, milestone_record
from strides.notes.services import note_save
from strides.wellbeing.models import Moment
from strides.wellbeing.services import moment_write
from tests.base import PASSWORD, phq9_answers
from tests.portal_helpers import outbox_settings
from tests.security.attack_world import Answer, AttackWorld
from tests.security.test_attack_urls import ACCESS, MAY_SEE_MINE, MAY_SEE_THEIRS, Entry, Expect

SQL = [
    "' OR '1'='1",
    "1 OR 1=1",
    "status; DROP TABLE clients_client; --",
    "-id) UNION SELECT password, username FROM accounts_user --",
]
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
RAW_XSS = ("<script>alert(", "<img src=x onerror")
# Every query parameter any view or API route reads (ordering, filters, paging, ...).
PARAMETERS = [
    "sort",
    "order",
    "q",
    "status",
    "ended",
    "risk",
    "page",
    "period",
    "measure",
    "x",
    "year",
    "instrument",
    "kind",
    "since",
    "until",
    "username",
    "client_id",
    "action",
    "display_name",
    "episode",
    "client",
    "active",
    "after",
    "before",
    "instrument_code",
    "taken_after",
    "taken_before",
    "current",
    "limit",
    "offset",
    "audience",
    "milestone",
    "next",
]
# The parameters each list sorts, filters or pages by, tried one at a time.
LIST_PARAMETERS = {
    "caseload": "sort status ended risk page",
    "audit_list": "since until username client_id action page",
    "attention": "page",
    "wins": "page",
    "clinic_outcomes": "period measure",
    "api:client_list": "display_name limit offset",
    "api:episode_list": "client active",
    "api:appointment_list": "episode status after before",
    "api:assessment_list": "episode instrument_code taken_after taken_before current",
    "api:goal_list": "episode status",
    "api:milestone_list": "episode kind",
    "api:alert_list": "episode status kind",
}
OFF_SITE = ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"]


def first_allowed(entry: Entry, method: str) -> str:
    """The first persona the rule lets in (anonymous where nobody is: a refusal page)."""
    allowed = [p for p, expect in entry.rule_for(method).items() if expect == Expect.OK]
    return allowed[0] if allowed else "anonymous"


def is_html(answer: Answer) -> bool:
    return answer.content_type.startswith("text/html")


def off_site(location: str) -> bool:
    """A Location a browser would follow off this site (or into a script)."""
    normalised = location.strip().replace("\\", "/")
    parts = urlsplit(normalised)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return True
    return normalised.startswith("//") or parts.netloc not in ("", "testserver")


def fingerprint() -> dict[str, int]:
    """Every row of every table but the sessions, as one hash per model."""
    return {
        model._meta.label: hash(repr(list(model._default_manager.order_by("pk").values_list())))
        for model in apps.get_models()
        if model is not Session and model._meta.managed
    }


class AttackInputTests(AttackWorld):
    def gets(self) -> Iterator[tuple[str, Entry, str]]:
        """(name, entry, path) of every GET URL in the walk's table."""
        for name, entry in sorted(ACCESS.items()):
            if "GET" in entry.methods:
                yield name, entry, reverse(name, kwargs=entry.args(self))

    def get_as(self, persona: str, entry: Entry, path: str) -> Answer:
        bearer = self.tokens.get(persona, "") if entry.api else ""
        return self.send(persona, "get", path, bearer=bearer)

    def leak(self, persona: str, answer: Answer) -> str:
        if persona not in MAY_SEE_MINE and self.mine.secret in answer.body:
            return "tess's client data"
        if persona not in MAY_SEE_THEIRS and self.theirs.secret in answer.body:
            return "otto's client data"
        return ""

    def api(self, method: str, path: str, body: Any = None, token: str = "") -> Answer:
        data = json.dumps(body) if body is not None else None
        extra: dict[str, Any] = {"content_type": "application/json"} if body is not None else {}
        return self.send(
            "owner", method, f"/api/v1{path}", data, bearer=token or self.mine.token, **extra
        )

    # A child under the wrong parent ---------------------------------------------

    def test_a_child_of_another_parent_is_refused_and_changes_nothing(self) -> None:
        second = client_create(
            actor=self.tess, display_name="Sol Second", episode_start=date(2026, 9, 1)
        )
        other_episode = second.episodes.get()
        own_other = Appointment.objects.create(
            episode=other_episode, at="2026-09-04T10:00:00Z", status="attended"
        )
        before = fingerprint()
        checks: list[tuple[str, Answer, tuple[int, ...]]] = []
        body = {
            "episode": self.mine.episode.pk,
            "instrument_code": "phq9",
            "taken_on": "2026-11-03",
            "answers": {str(n): 1 for n in range(1, 10)},
        }
        for label, appointment in (("otto's", self.theirs.appointment), ("another", own_other)):
            answer = self.api(
                "post",
                "/assessments",
                {**body, "appointment": appointment.pk, "submission_key": str(uuid.uuid4())},
            )
            checks.append(
                (f"API assessment with {label} episode's appointment", answer, (404, 422))
            )
        form = {"taken_on": "2026-11-03", "appointment": own_other.pk, "mode": "in_session"}
        form |= {f"item_{n}": "1" for n in range(1, 10)} | {"submission_key": str(uuid.uuid4())}
        path = reverse("assessment_new", args=[self.mine.episode.pk]) + "?instrument=phq9"
        checks.append(
            (
                "form assessment with another episode's appointment",
                self.send("owner", "post", path, form, keep=True),
                (200,),
            )
        )
        rating = {"rating": 5, "rated_on": "2026-11-03", "submission_key": str(uuid.uuid4())}
        checks.append(
            (
                "API rating of otto's goal",
                self.api("post", f"/goals/{self.theirs.goal.pk}/ratings", rating),
                (404,),
            )
        )
        for what, path in (
            ("appointments", f"/appointments?episode={self.theirs.episode.pk}"),
            ("assessments", f"/assessments?episode={self.theirs.episode.pk}"),
            ("goals", f"/goals?episode={self.theirs.episode.pk}"),
            ("milestones", f"/milestones?episode={self.theirs.episode.pk}"),
            ("alerts", f"/alerts?episode={self.theirs.episode.pk}"),
            ("episodes", f"/episodes?client={self.theirs.client.pk}"),
        ):
            answer = self.api("get", path)
            self.assertEqual(answer.status, 200, path)
            self.assertEqual(json.loads(answer.body)["items"], [], f"{what} of otto's parent")
            checks.append((f"API {what} filtered by otto's parent", answer, (200,)))
        fhir = reverse("fhir_everything", args=[self.theirs.client.pk])
        checks.append(
            ("FHIR everything of otto's client (session)", self.send("owner", "get", fhir), (404,))
        )
        checks.append(
            (
                "FHIR everything of otto's client (token)",
                self.send("anonymous", "get", fhir, bearer=self.mine.token),
                (404,),
            )
        )
        for label, name, args, data in (
            (
                "moment beside otto's milestone",
                "moment_new",
                [],
                {"text": "Mine", "milestone": self.theirs.milestone.pk},
            ),
            ("kiosk code for otto's invitation", "kiosk_new", [self.theirs.invitation.pk], {}),
            ("stopping otto's schedule", "schedule_stop", [self.theirs.schedule.pk], {}),
            (
                "revoking otto's token",
                "api_token_revoke",
                [],
                {"token": AccessToken.objects.get(user=self.otto, name="attack").pk},
            ),
            ("otto's moment", "moment_detail", [self.theirs.moment.pk], {}),
        ):
            checks.append(
                (label, self.send("owner", "post", reverse(name, args=args), data), (404,))
            )
        # The portal's goal step rates the invitation's own goals only.
        step = reverse("portal_step", args=[2])
        posted = {"portal_csrf": self.portal_csrf(), f"goal_{self.theirs.goal.pk}": "5"}
        self.send("portal", "post", step, posted, keep=True)
        review = self.send(
            "portal",
            "post",
            reverse("portal_review"),
            {"portal_csrf": self.portal_csrf()},
            keep=True,
        )
        checks.append(("portal rating of otto's goal", review, (302,)))
        for label, answer, statuses in checks:
            self.assertIn(answer.status, statuses, label)
            self.assertEqual(self.leak("owner", answer), "", label)
        after = fingerprint()
        changed = sorted(label for label in before if before[label] != after[label])
        # The form re-rendered (no assessment) and the portal submitted its own answers only.
        portal_submission = {"audit.AuditChainHead", "audit.AuditEvent", "portal.Invitation"}
        self.assertLessEqual(set(changed), portal_submission)
        self.assertFalse(Assessment.objects.filter(appointment=own_other).exists())
        self.assertFalse(GoalRating.objects.filter(goal=self.theirs.goal).exists())
        self.assertTrue(AccessToken.objects.get(user=self.otto, name="attack").is_usable)
        self.assertEqual(Moment.objects.filter(milestone=self.theirs.milestone).count(), 1)
        print(
            f"attack suite: {len(checks)} children addressed under the wrong parent, all "
            f"refused or empty; tables changed only by the portal's own submission: {changed}"
        )

    # Mass assignment ---------------------------------------------------------------

    def test_extra_fields_for_role_owner_and_ids_are_ignored_or_refused(self) -> None:
        mine, theirs = self.mine, self.theirs
        otto_before = fingerprint_of(theirs)
        extras = {
            "id": theirs.client.pk,
            "pk": theirs.client.pk,
            "therapist": self.otto.pk,
            "therapist_id": self.otto.pk,
            "owner": self.otto.pk,
            "user": self.otto.pk,
            "client": theirs.client.pk,
            "client_id": theirs.client.pk,
            "episode": theirs.episode.pk,
            "episode_id": theirs.episode.pk,
            "role": Role.ADMIN,
            "is_staff": "on",
            "is_superuser": "on",
            "status": "achieved",
            "scope": "write",
        }
        forms: list[tuple[str, list[int], dict[str, Any], str]] = [
            ("client_edit", [mine.client.pk], {"display_name": "Robin Renamed"}, "owner"),
            (
                "episode_edit",
                [mine.episode.pk],
                {"start": "2026-09-01", "anxiety_measure": "gad7"},
                "owner",
            ),
            (
                "goal_new",
                [mine.episode.pk],
                {"text": "Walk the dog", "gas_weight": "1", "submission_key": str(uuid.uuid4())},
                "owner",
            ),
            ("api_tokens", [], {"name": "mine", "days": "30"}, "owner"),
            ("wellbeing", [], {"every_days": "14"}, "owner"),
            (
                "staff_new",
                [],
                {"username": "newbie", "role": Role.THERAPIST, "password": PASSWORD},
                "admin",
            ),
            ("staff_edit", [self.tess.pk], {"role": Role.THERAPIST}, "owner"),
            ("episode_transfer", [mine.episode.pk], {"therapist": self.sam.pk}, "admin"),
        ]
        answers = []
        for name, args, data, persona in forms:
            posted = {**extras, **data}
            answers.append(
                (name, self.send(persona, "post", reverse(name, args=args), posted, keep=True))
            )
        # Each form did its own work; a therapist edits no staff account (404) and an
        # episode goes only to an active therapist (the form is shown again).
        saved = {"api_tokens": 200, "staff_edit": 404, "episode_transfer": 200}
        statuses = {name: answer.status for name, answer in answers}
        self.assertEqual(statuses, {name: saved.get(name, 302) for name, *_rest in forms})
        mine.client.refresh_from_db()
        self.assertEqual(mine.client.display_name, "Robin Renamed")
        self.assertEqual(Episode.objects.get(pk=mine.episode.pk).therapist, self.tess)
        self.assertEqual(Episode.objects.get(pk=mine.episode.pk).client_id, mine.client.pk)
        new_goal = Goal.objects.filter(episode=mine.episode).latest("pk")
        self.assertEqual(new_goal.text, "Walk the dog")
        self.assertEqual((new_goal.episode_id, new_goal.status), (mine.episode.pk, "active"))
        self.assertEqual(AccessToken.objects.filter(name="mine").get().user, self.tess)
        newbie = User.objects.get(username="newbie")
        self.assertEqual(
            (newbie.role, newbie.is_staff, newbie.is_superuser), (Role.THERAPIST, False, False)
        )
        tess = User.objects.get(pk=self.tess.pk)
        self.assertEqual(
            (tess.role, tess.is_staff, tess.is_superuser), (Role.THERAPIST, False, False)
        )
        api = [
            (
                "/goals",
                {
                    "episode": mine.episode.pk,
                    "text": "Call",
                    "submission_key": str(uuid.uuid4()),
                    "status": "achieved",
                    "therapist": self.otto.pk,
                },
            ),
            (
                "/appointments",
                {
                    "episode": mine.episode.pk,
                    "at": "2026-11-03T10:00:00Z",
                    "id": theirs.appointment.pk,
                },
            ),
            ("/appointments", {"episode": theirs.episode.pk, "at": "2026-11-03T10:00:00Z"}),
            (
                f"/alerts/{mine.alert.pk}/acknowledge",
                {"action": "referred", "status": "resolved", "episode": theirs.episode.pk},
            ),
            (
                f"/goals/{mine.goal.pk}/ratings",
                {
                    "rating": 5,
                    "rated_on": "2026-11-03",
                    "submission_key": str(uuid.uuid4()),
                    "goal": theirs.goal.pk,
                },
            ),
        ]
        goals = Goal.objects.count()
        for path, body in api:
            answer = self.api("post", path, body)
            self.assertIn(answer.status, (404, 422), (path, answer.body))
        self.assertEqual(Goal.objects.count(), goals)
        self.assertEqual(fingerprint_of(theirs), otto_before)
        print(
            f"attack suite: {len(forms)} forms and {len(api)} API bodies with "
            f"{len(extras)} extra owner/role/id fields; extras ignored by forms, refused "
            f"(404/422) by the API; otto's records unchanged"
        )

    # SQL in ordering and filters -----------------------------------------------------

    def test_sql_in_ordering_and_filter_parameters_is_never_a_500_nor_other_data(self) -> None:
        requests = 0
        problems: list[str] = []
        clients = Client.objects.count()
        for name, entry, path in self.gets():
            persona = first_allowed(entry, "GET")
            for payload in SQL:
                query = urlencode(dict.fromkeys(PARAMETERS, payload))
                answer = self.get_as(persona, entry, f"{path}?{query}")
                requests += 1
                if answer.status >= 500 or self.leak(persona, answer):
                    problems.append(
                        f"{name} as {persona}: {answer.status} {self.leak(persona, answer)}"
                    )
        # One parameter at a time on the lists that filter, sort or page.
        for name, parameters in LIST_PARAMETERS.items():
            entry = ACCESS[name]
            persona = first_allowed(entry, "GET")
            for parameter in parameters.split():
                for payload in SQL:
                    path = f"{reverse(name)}?{urlencode({parameter: payload})}"
                    answer = self.get_as(persona, entry, path)
                    requests += 1
                    if answer.status >= 500 or self.leak(persona, answer):
                        problems.append(f"{path} as {persona}: {answer.status}")
        for payload in SQL:
            answer = self.send(
                "owner", "post", reverse("caseload"), {"q": payload, "sort": payload}
            )
            requests += 1
            if answer.status != 200 or self.leak("owner", answer):
                problems.append(f"caseload search {payload!r}: {answer.status}")
        # Searching for another's client finds nothing, by name or by SQL (the page
        # repeats the search words, so they leave out the secret word looked for).
        for word in ("Tessclient", "Tessclient' OR '1'='1", "%"):
            searches = [
                self.send("other", "post", reverse("caseload"), {"q": word}),
                self.send(
                    "other",
                    "get",
                    "/api/v1/clients?" + urlencode({"display_name": word}),
                    bearer=self.theirs.token,
                ),
            ]
            requests += len(searches)
            problems += [
                f"search {word!r}: {a.status}"
                for a in searches
                if a.status != 200 or self.leak("other", a)
            ]
        found = self.send("owner", "post", reverse("caseload"), {"q": "Tessclient"})
        self.assertIn(self.mine.secret, found.body)  # the same search finds her own client
        self.assertEqual(Client.objects.count(), clients)
        print(
            f"attack suite: {requests} requests with SQL in {len(PARAMETERS)} ordering and "
            f"filter parameters, {len(problems)} with a 500 or another's data"
        )
        self.assertEqual(problems, [])

    # Stored and reflected XSS --------------------------------------------------------

    def store_xss(self) -> list[str]:
        """The payload, tagged by kind, in every free-text field of tess's side."""
        mine = self.mine

        def tagged(kind: str) -> str:
            return f'<script>alert({kind})</script>"><img src=x onerror=alert({kind})>'

        Client.objects.filter(pk=mine.client.pk).update(display_name=tagged("name"))
        User.objects.filter(pk=self.tess.pk).update(first_name=tagged("staffname"))
        episode_update(
            actor=self.tess,
            episode=mine.episode,
            start=mine.episode.start,
            presenting_problem=tagged("problem"),
            anxiety_measure="gad7",
        )
        note_save(
            actor=self.tess, appointment=mine.appointment, text=tagged("note"), base_version=1
        )
        goal_create(
            actor=self.tess, episode=mine.episode, text=tagged("goal"), submission_key=uuid.uuid4()
        )
        dropped = goal_create(
            actor=self.tess, episode=mine.episode, text="Dropped goal", submission_key=uuid.uuid4()
        )
        goal_set_status(actor=self.tess, goal=dropped, status="dropped", note=tagged("goalnote"))
        alert_acknowledge(
            actor=self.tess, alert=mine.alert, action="other", note=tagged("alertnote")
        )
        amended = assessment_amend(
            actor=self.tess,
            original=mine.assessment,
            answers=phq9_answers(16, item9=2),
            taken_on=mine.assessment.taken_on,
            reason=tagged("reason"),
            submission_key=uuid.uuid4(),
        )
        milestone = milestone_record(
            actor=self.tess,
            episode=mine.episode,
            summary=tagged("milestone"),
            occurred_on=timezone.localdate(),
        )
        message = milestone_queue_message(
            actor=self.tess, milestone=milestone, text=tagged("message")
        )
        CelebrationMessage.objects.filter(pk=message.pk).update(delivered_at=timezone.now())
        break_glass_open(actor=self.admin, client=mine.client, reason=tagged("breakglass"))
        moment_write(actor=self.tess, text=tagged("moment"), milestone=milestone)
        AccessToken.objects.filter(user=self.tess).update(name=tagged("tokenname"))
        self.mine = replace(mine, assessment=amended)  # its page shows the reason
        return [
            "name",
            "staffname",
            "problem",
            "note",
            "goal",
            "goalnote",
            "alertnote",
            "reason",
            "milestone",
            "message",
            "breakglass",
            "moment",
            "tokenname",
        ]

    def test_stored_and_reflected_xss_is_shown_only_escaped(self) -> None:
        kinds = self.store_xss()
        shown: set[str] = set()
        problems: list[str] = []
        pages = 0
        reflected = urlencode(dict.fromkeys(PARAMETERS, XSS))
        with outbox_settings()[0]:
            for _name, entry, path in self.gets():
                readers = [p for p, e in entry.rule_for("GET").items() if e == Expect.OK]
                for persona in readers:
                    reflecting = persona == readers[0]  # reflected: once per URL
                    for url in (path, f"{path}?{reflected}") if reflecting else (path,):
                        answer = self.get_as(persona, entry, url)
                        if not is_html(answer):
                            continue
                        pages += 1
                        if any(raw in answer.body for raw in RAW_XSS):
                            problems.append(f"{url} as {persona}")
                        shown |= {k for k in kinds if f"&lt;script&gt;alert({k})" in answer.body}
        extra = [
            ("owner", "post", reverse("caseload"), {"q": XSS}),
            (
                "owner",
                "post",
                reverse("alert_acknowledge", args=[self.mine.alert.pk]),
                {"next": XSS, "action": ""},
            ),
            ("owner", "get", f"/p/o/{XSS}", None),
            (
                "owner",
                "post",
                reverse("milestone_message", args=[self.mine.milestone.pk]),
                {"text": XSS},
            ),
        ]
        for persona, method, url, data in extra:
            answer = self.send(persona, method, url, data)
            pages += 1
            if any(raw in answer.body for raw in RAW_XSS):
                problems.append(f"{method} {url}")
        print(
            f"attack suite: XSS stored in {len(kinds)} free-text fields and reflected in "
            f"{len(PARAMETERS)} parameters; {pages} HTML pages read, {len(problems)} with "
            f"markup unescaped; shown escaped: {len(shown)}/{len(kinds)}"
        )
        self.assertEqual(problems, [])
        self.assertEqual(sorted(set(kinds) - shown), [], "stored fields never shown")

    # CSRF on every state change --------------------------------------------------------

    def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(self) -> None:
        before = fingerprint()
        problems: list[str] = []
        counts = {"403": 0, "portal 410": 0, "API 401": 0, "exempt": 0}
        with outbox_settings()[0]:
            for name, entry in sorted(ACCESS.items()):
                if "POST" not in entry.methods:
                    continue
                path = reverse(name, kwargs=entry.args(self))
                persona = first_allowed(entry, "POST")
                body = entry.body(self) if entry.body is not None else {}
                if entry.api:  # a signed-in browser's cookie, no token
                    answer = self.send(
                        "owner",
                        "post",
                        path,
                        json.dumps(body),
                        csrf=True,
                        keep=True,
                        content_type="application/json",
                    )
                    kind, expected = "API 401", 401
                elif name in CSRF_EXEMPT:
                    kind, expected = "exempt", 0
                    answer = self.send(persona, "post", path, body, csrf=True)
                    if not getattr(resolve_view(path), "csrf_exempt", False):
                        problems.append(f"{name} is listed exempt but checks CSRF")
                    counts[kind] += 1
                    continue
                elif path.startswith("/p/"):
                    answer = self.send(persona, "post", path, body, csrf=True, keep=True)
                    kind, expected = "portal 410", 410
                else:
                    answer = self.send(persona, "post", path, body, csrf=True, keep=True)
                    kind, expected = "403", 403
                    # The same post with a token gets past the check: the test can fail.
                    http = self.http(persona, csrf=True)
                    http.cookies["csrftoken"] = "a" * 32
                    passed = self.send(
                        persona, "post", path, {**body, "csrfmiddlewaretoken": "a" * 32}, http=http
                    )
                    if passed.status == 403 and "csrf" in passed.body.lower():
                        problems.append(f"{name}: refused even with a token")
                counts[kind] += 1
                refused_by_django = kind != "403" or "CSRF" in answer.body
                if answer.status != expected or not refused_by_django:
                    problems.append(
                        f"POST {path} as {persona}: {answer.status}, expected {expected}"
                    )
        after = fingerprint()
        changed = sorted(label for label in before if before[label] != after[label])
        print(
            f"attack suite: {sum(counts.values())} POST URLs without a CSRF token: "
            + ", ".join(f"{n} {k}" for k, n in counts.items())
            + f"; tables changed: {len(changed)}"
        )
        self.assertEqual(problems, [])
        self.assertEqual(changed, [])

    # Open redirects ------------------------------------------------------------------

    def test_next_never_sends_anyone_off_site(self) -> None:
        mine = self.mine
        attempts: list[tuple[str, Answer]] = []
        login = reverse("account_login")
        for target in OFF_SITE:
            query = f"?{urlencode({'next': target})}"
            sign_in = {"login": "tess", "password": PASSWORD, "next": target}
            attempts.append(
                (f"sign-in {target}", self.send("anonymous", "post", login + query, sign_in))
            )
            attempts.append((f"login page {target}", self.send("anonymous", "get", login + query)))
            attempts.append(
                (
                    f"sign-out {target}",
                    self.send("owner", "post", reverse("account_logout"), {"next": target}),
                )
            )
            attempts.append(
                (
                    f"reauthenticate {target}",
                    self.send(
                        "owner",
                        "post",
                        reverse("account_reauthenticate") + query,
                        {"password": PASSWORD, "next": target},
                    ),
                )
            )
            for name, key, data in (
                ("alert_acknowledge", mine.alert.pk, {"action": "referred"}),
                ("alert_snooze", mine.alert.pk, {"until": "2099-01-01"}),
                ("alert_resolve", mine.alert.pk, {}),
                ("milestone_celebrate", mine.milestone.pk, {}),
            ):
                answer = self.send(
                    "owner", "post", reverse(name, args=[key]), {**data, "next": target}
                )
                attempts.append((f"{name} {target}", answer))
        for name, entry, path in self.gets():
            persona = first_allowed(entry, "GET")
            for target in OFF_SITE[:2]:
                answer = self.get_as(
                    persona, entry, f"{path}?{urlencode({'next': target, 'return': target})}"
                )
                attempts.append((f"{name} {target}", answer))
        problems = [
            f"{label} -> {answer.location}"
            for label, answer in attempts
            if off_site(answer.location)
        ]
        redirected = sum(1 for _label, answer in attempts if answer.status in (301, 302, 303))
        print(
            f"attack suite: {len(attempts)} requests with an off-site next "
            f"({redirected} redirected), {len(problems)} off-site Locations"
        )
        self.assertEqual(problems, [])
        # The sign-ins and confirmations succeeded, so their `next` was really weighed.
        for label, answer in attempts:
            if label.startswith(("sign-in ", "reauthenticate ")):
                self.assertEqual(answer.status, 302, label)
        self.assertGreater(redirected, 10)


def fingerprint_of(records: Any) -> tuple[Any, ...]:
    """A side's client, episodes and their records, as values."""
    episode_ids = list(Episode.objects.filter(client=records.client).values_list("pk", flat=True))
    return (
        tuple(Client.objects.filter(pk=records.client.pk).values_list()),
        tuple(Episode.objects.filter(pk__in=episode_ids).order_by("pk").values_list()),
        tuple(Goal.objects.filter(episode_id__in=episode_ids).order_by("pk").values_list()),
        tuple(Appointment.objects.filter(episode_id__in=episode_ids).order_by("pk").values_list()),
        tuple(
            GoalRating.objects.filter(goal__episode_id__in=episode_ids).order_by("pk").values_list()
        ),
    )


def resolve_view(path: str) -> Any:
    from django.urls import resolve

    return resolve(path).func


# Sessionless portal forms: no CSRF token is possible (portal pages send no referrer, so
# browsers post `Origin: null`), and each needs a secret the forger lacks or acts only on
# the forger's own code (strides/portal/views.py, `sessionless_form`).
CSRF_EXEMPT = {"portal_kiosk", "portal_unsubscribe", "portal_story_renew"}
