"""The attack suite's walk: every URL pattern in the URL configuration, as every persona,
against the one access rule (strides/accounts/permissions.py).

The patterns come from `get_resolver()`, walked recursively; each must have an entry in
ACCESS below (how to fill its arguments, which methods it takes, which rule answers), so
a view added without an entry fails this test. Beside the status, every answer is read
for the other side's secret word: nobody outside a client's reach sees it in any page,
API answer, export or error.
"""

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.portal_helpers import outbox_settings
from tests.security.attack_world import PERSONAS, Answer, AttackWorld


class Expect(StrEnum):
    OK = "allowed"
    HIDDEN = "404"
    SIGN_IN = "sent to sign in"
    NOT_HERE = "403 (portal session)"
    UNAUTHORISED = "401"
    REFUSED = "410 (no portal session)"


E = Expect
Rule = dict[str, Expect]


def rule(*answers: Expect) -> Rule:
    """The answers for PERSONAS, in their order."""
    assert len(answers) == len(PERSONAS)
    return dict(zip(PERSONAS, answers, strict=True))


#                owner  other     supervisor admin     breakglass portal      anonymous
READ = rule(E.OK, E.HIDDEN, E.OK, E.HIDDEN, E.OK, E.NOT_HERE, E.SIGN_IN)
WRITE = rule(E.OK, E.HIDDEN, E.HIDDEN, E.HIDDEN, E.HIDDEN, E.NOT_HERE, E.SIGN_IN)
STAFF = rule(E.OK, E.OK, E.OK, E.OK, E.OK, E.NOT_HERE, E.SIGN_IN)
THERAPIST = rule(E.OK, E.OK, E.HIDDEN, E.HIDDEN, E.HIDDEN, E.NOT_HERE, E.SIGN_IN)
SUPERVISOR = rule(E.HIDDEN, E.HIDDEN, E.OK, E.HIDDEN, E.HIDDEN, E.NOT_HERE, E.SIGN_IN)
LEADS = rule(E.HIDDEN, E.HIDDEN, E.OK, E.OK, E.OK, E.NOT_HERE, E.SIGN_IN)
ADMIN = rule(E.HIDDEN, E.HIDDEN, E.HIDDEN, E.OK, E.OK, E.NOT_HERE, E.SIGN_IN)
SIGN_IN_PAGES = rule(E.OK, E.OK, E.OK, E.OK, E.OK, E.NOT_HERE, E.OK)
EVERYONE = rule(*[E.OK] * len(PERSONAS))
PORTAL = rule(*[E.REFUSED] * 5, E.OK, E.REFUSED)
PORTAL_LINKS = rule(*[E.OK] * len(PERSONAS))  # a link, a kiosk code, an unsubscribe value
API_LIST = rule(E.OK, E.OK, E.OK, E.OK, E.OK, E.NOT_HERE, E.UNAUTHORISED)
API_READ = rule(E.OK, E.HIDDEN, E.OK, E.HIDDEN, E.OK, E.NOT_HERE, E.UNAUTHORISED)
API_WRITE = rule(E.OK, E.HIDDEN, E.HIDDEN, E.HIDDEN, E.HIDDEN, E.NOT_HERE, E.UNAUTHORISED)
API_PUBLIC = rule(E.OK, E.OK, E.OK, E.OK, E.OK, E.NOT_HERE, E.OK)
API_NONE = rule(E.HIDDEN, E.HIDDEN, E.HIDDEN, E.HIDDEN, E.HIDDEN, E.NOT_HERE, E.HIDDEN)
FHIR_READ = rule(E.OK, E.HIDDEN, E.OK, E.HIDDEN, E.OK, E.NOT_HERE, E.UNAUTHORISED)
# The supervision report: an admin, even with break-glass, produces only the record copy.
SUPERVISION_REPORT = rule(E.OK, E.HIDDEN, E.OK, E.HIDDEN, E.HIDDEN, E.NOT_HERE, E.SIGN_IN)
# allauth's pages for an authenticator: 404 for who has none (only the admins have TOTP).
TOTP_HELD = rule(E.HIDDEN, E.HIDDEN, E.HIDDEN, E.OK, E.OK, E.NOT_HERE, E.SIGN_IN)
NO_RECOVERY_CODES = rule(*[E.HIDDEN] * 5, E.NOT_HERE, E.SIGN_IN)
SIGNED_OUT = rule(*[E.SIGN_IN] * 5, E.NOT_HERE, E.SIGN_IN)

JSON_TYPE = "application/json"
Args = Callable[[AttackWorld], dict[str, Any]]
Body = Callable[[AttackWorld], dict[str, Any]]
GET = ("GET",)
POST = ("POST",)
BOTH = ("GET", "POST")


def no_args(world: AttackWorld) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Entry:
    """How to call one URL pattern, and which rule answers each method."""

    rule: Rule | Mapping[str, Rule]  # one rule, or one per method
    args: Args = no_args
    methods: tuple[str, ...] = GET
    ok: Mapping[str, frozenset[int]] = field(default_factory=dict)  # "allowed" statuses
    query: str = ""
    api: bool = False  # Bearer token and JSON body
    body: Body | None = None

    def rule_for(self, method: str) -> Rule:
        if all(isinstance(value, Expect) for value in self.rule.values()):
            return self.rule  # type: ignore[return-value]
        return self.rule[method]  # type: ignore[return-value]

    def allowed(self, method: str) -> frozenset[int]:
        default = {"GET": frozenset({200}), "POST": frozenset({200, 302})}[method]
        return self.ok.get(method, default)


def ok(**statuses: tuple[int, ...]) -> dict[str, frozenset[int]]:
    return {method: frozenset(codes) for method, codes in statuses.items()}


def mine(**names: str) -> Args:
    """URL arguments from tess's side of the world: `episode_id="episode"`."""
    return lambda world: {arg: getattr(world.mine, attr).pk for arg, attr in names.items()}


REDIRECT = ok(GET=(302,), POST=(302,))
PAGE_OR_REDIRECT = ok(GET=(200, 302), POST=(200, 302))


def _appointment_body(world: AttackWorld) -> dict[str, Any]:
    return {"episode": world.mine.episode.pk, "at": "2026-11-03T10:00:00Z", "status": "attended"}


def _assessment_body(world: AttackWorld) -> dict[str, Any]:
    answers = {str(number): 1 for number in range(1, 10)}
    return {
        "episode": world.mine.episode.pk,
        "instrument_code": "phq9",
        "taken_on": "2026-11-03",
        "answers": answers,
        "submission_key": "6f1c2b51-8a8e-4f47-9d6c-2f0f0e8c1a11",
    }


def _goal_body(world: AttackWorld) -> dict[str, Any]:
    return {
        "episode": world.mine.episode.pk,
        "text": "Ring my sister",
        "submission_key": "1b7d6f54-5d0a-4e8f-8f43-7d7a5d2f0c22",
    }


def _rating_body(world: AttackWorld) -> dict[str, Any]:
    return {
        "rating": 6,
        "rated_on": "2026-11-03",
        "submission_key": "3c1e7a3f-2b6d-4c55-9a07-5e2b7a8d9f33",
    }


def _acknowledge_body(world: AttackWorld) -> dict[str, Any]:
    return {"action": "discussed_with_client", "note": ""}


def _user_args(world: AttackWorld) -> dict[str, Any]:
    return {"user_id": world.tess.pk}


ACCESS: dict[str, Entry] = {
    "home": Entry(STAFF, ok=REDIRECT),
    "healthz": Entry(EVERYONE),
    # allauth: signing in and out, the password and two-factor pages.
    "account_login": Entry(SIGN_IN_PAGES, methods=BOTH, ok=PAGE_OR_REDIRECT),
    "account_logout": Entry({"GET": STAFF, "POST": SIGNED_OUT}, methods=BOTH),
    "account_inactive": Entry(SIGN_IN_PAGES),
    "account_signup": Entry(SIGN_IN_PAGES, methods=BOTH, ok=PAGE_OR_REDIRECT),
    "account_reauthenticate": Entry(STAFF, methods=BOTH),
    "account_request_reauthentication_code": Entry(STAFF, ok=PAGE_OR_REDIRECT),
    "account_confirm_reauthentication_code": Entry(STAFF, ok=PAGE_OR_REDIRECT),
    "account_email": Entry(STAFF, methods=BOTH, ok=PAGE_OR_REDIRECT),
    "account_email_verification_sent": Entry(SIGN_IN_PAGES, ok=PAGE_OR_REDIRECT),
    "account_change_password": Entry(STAFF, methods=BOTH),
    "account_set_password": Entry(STAFF, ok=REDIRECT),
    "account_reset_password": Entry(SIGN_IN_PAGES, methods=BOTH, ok=PAGE_OR_REDIRECT),
    "account_confirm_login_code": Entry(STAFF, ok=PAGE_OR_REDIRECT),
    "account_confirm_email": Entry(
        SIGN_IN_PAGES, args=lambda world: {"key": "not-a-key"}, ok=PAGE_OR_REDIRECT
    ),
    "account_reset_password_from_key_done": Entry(SIGN_IN_PAGES),
    "account_reset_password_from_key": Entry(
        SIGN_IN_PAGES, args=lambda world: {"uidb36": "1", "key": "not-a-key"}
    ),
    "account_reset_password_done": Entry(SIGN_IN_PAGES),
    "mfa_index": Entry(STAFF),
    "mfa_authenticate": Entry(STAFF, ok=PAGE_OR_REDIRECT),
    "mfa_reauthenticate": Entry(STAFF, ok=PAGE_OR_REDIRECT),
    "mfa_activate_totp": Entry(STAFF, ok=PAGE_OR_REDIRECT),
    "mfa_deactivate_totp": Entry(TOTP_HELD, ok=PAGE_OR_REDIRECT),
    "mfa_view_recovery_codes": Entry(NO_RECOVERY_CODES),
    "mfa_generate_recovery_codes": Entry(STAFF, ok=PAGE_OR_REDIRECT),
    "mfa_download_recovery_codes": Entry(NO_RECOVERY_CODES),
    # Accounts and staff.
    "staff_list": Entry(ADMIN),
    "staff_new": Entry(ADMIN, methods=BOTH),
    "staff_edit": Entry(ADMIN, args=_user_args, methods=BOTH),
    "episode_transfer": Entry(ADMIN, args=mine(episode_id="episode"), methods=BOTH),
    "my_account": Entry(STAFF),
    "api_tokens": Entry(STAFF, methods=BOTH),
    "api_token_revoke": Entry(STAFF, methods=POST, ok=ok(POST=(404,))),
    # Clients, episodes, appointments, notes.
    "caseload": Entry(STAFF, methods=BOTH),
    "client_new": Entry(THERAPIST, methods=BOTH),
    "client_detail": Entry(READ, args=mine(client_id="client")),
    "client_edit": Entry(WRITE, args=mine(client_id="client"), methods=BOTH),
    "episode_new": Entry(WRITE, args=mine(client_id="client"), methods=BOTH),
    "episode_edit": Entry(WRITE, args=mine(episode_id="episode"), methods=BOTH),
    "episode_end": Entry(WRITE, args=mine(episode_id="episode"), methods=BOTH),
    "appointment_new": Entry(WRITE, args=mine(episode_id="episode"), methods=BOTH),
    "appointment_edit": Entry(WRITE, args=mine(appointment_id="appointment"), methods=BOTH),
    "note_edit": Entry(
        {"GET": READ, "POST": WRITE}, args=mine(appointment_id="appointment"), methods=BOTH
    ),
    "break_glass": Entry(ADMIN, methods=BOTH),
    # Assessments, alerts, milestones, goals.
    "assessment_new": Entry(WRITE, args=mine(episode_id="episode"), methods=BOTH),
    "assessment_detail": Entry(READ, args=mine(assessment_id="assessment")),
    "assessment_amend": Entry(WRITE, args=mine(assessment_id="assessment"), methods=BOTH),
    "alert_acknowledge": Entry(WRITE, args=mine(alert_id="alert"), methods=BOTH),
    "alert_snooze": Entry(WRITE, args=mine(alert_id="alert"), methods=BOTH),
    "alert_resolve": Entry(WRITE, args=mine(alert_id="alert"), methods=POST, ok=REDIRECT),
    "milestone_celebrate": Entry(
        WRITE, args=mine(milestone_id="milestone"), methods=POST, ok=REDIRECT
    ),
    "milestone_new": Entry(WRITE, args=mine(episode_id="episode"), methods=BOTH),
    "milestone_message": Entry(WRITE, args=mine(milestone_id="milestone"), methods=BOTH),
    "attention": Entry(STAFF),
    "wins": Entry(STAFF),
    "episode_goals": Entry(READ, args=mine(episode_id="episode")),
    "goal_new": Entry(WRITE, args=mine(episode_id="episode"), methods=BOTH),
    "goal_edit": Entry(WRITE, args=mine(goal_id="goal"), methods=BOTH),
    "goal_rate": Entry(WRITE, args=mine(goal_id="goal"), methods=BOTH),
    "goal_status": Entry(WRITE, args=mine(goal_id="goal"), methods=BOTH),
    # Audit, reports and exports.
    "audit_list": Entry(ADMIN),
    "audit_export": Entry(ADMIN),
    "report_pdf": Entry(
        SUPERVISION_REPORT, args=mine(episode_id="episode"), query="audience=supervision"
    ),
    "exports": Entry(STAFF),
    "export_assessments": Entry(STAFF),
    "export_episodes": Entry(STAFF),
    # The REST API (Bearer tokens).
    "api:openapi-json": Entry(API_PUBLIC, api=True),
    "api:api-root": Entry(API_NONE, api=True),  # no docs page: it would load a CDN
    "api:client_list": Entry(API_LIST, api=True),
    "api:client_detail": Entry(API_READ, args=mine(client_id="client"), api=True),
    "api:episode_list": Entry(API_LIST, api=True),
    "api:episode_detail": Entry(API_READ, args=mine(episode_id="episode"), api=True),
    "api:appointment_list": Entry(API_LIST, api=True),
    "api:appointment_new": Entry(
        API_WRITE, methods=POST, api=True, body=_appointment_body, ok=ok(POST=(201,))
    ),
    "api:appointment_detail": Entry(API_READ, args=mine(appointment_id="appointment"), api=True),
    "api:assessment_list": Entry(API_LIST, api=True),
    "api:assessment_new": Entry(
        API_WRITE, methods=POST, api=True, body=_assessment_body, ok=ok(POST=(201,))
    ),
    "api:assessment_detail": Entry(API_READ, args=mine(assessment_id="assessment"), api=True),
    "api:goal_list": Entry(API_LIST, api=True),
    "api:goal_new": Entry(API_WRITE, methods=POST, api=True, body=_goal_body, ok=ok(POST=(201,))),
    "api:goal_detail": Entry(API_READ, args=mine(goal_id="goal"), api=True),
    "api:goal_ratings": Entry(API_READ, args=mine(goal_id="goal"), api=True),
    "api:goal_rating_new": Entry(
        API_WRITE,
        args=mine(goal_id="goal"),
        methods=POST,
        api=True,
        body=_rating_body,
        ok=ok(POST=(201,)),
    ),
    "api:milestone_list": Entry(API_LIST, api=True),
    "api:milestone_detail": Entry(API_READ, args=mine(milestone_id="milestone"), api=True),
    "api:alert_list": Entry(API_LIST, api=True),
    "api:alert_detail": Entry(API_READ, args=mine(alert_id="alert"), api=True),
    "api:alert_acknowledge_route": Entry(
        API_WRITE, args=mine(alert_id="alert"), methods=POST, api=True, body=_acknowledge_body
    ),
    # FHIR (a staff session here; tokens are the API's).
    "fhir_metadata": Entry(API_PUBLIC),
    "fhir_everything": Entry(FHIR_READ, args=mine(client_id="client")),
    # The therapist's own side.
    "impact": Entry(THERAPIST),
    "year_in_review": Entry(THERAPIST),
    "impact_stories": Entry(THERAPIST, args=lambda world: {"kind": "celebrated"}),
    "moment_new": Entry(THERAPIST, methods=BOTH),
    "moment_detail": Entry(WRITE, args=mine(moment_id="moment"), methods=BOTH, ok=ok(POST=(302,))),
    "wellbeing": Entry(THERAPIST, methods=BOTH),
    "checkin_new": Entry(THERAPIST, methods=BOTH),
    # Supervision and clinic outcomes.
    "supervision": Entry(SUPERVISOR),
    "team_outcomes": Entry(SUPERVISOR),
    "clinic_outcomes": Entry(LEADS),
    # The client's portal.
    "portal_open": Entry(
        PORTAL_LINKS, args=lambda world: {"token": world.portal_token}, ok=REDIRECT
    ),
    "portal_welcome": Entry(PORTAL),
    "portal_step": Entry(PORTAL, args=lambda world: {"step": 1}, methods=BOTH),
    "portal_review": Entry(PORTAL, methods=BOTH),
    "portal_thanks": Entry(rule(*[E.REFUSED] * len(PERSONAS))),  # nothing submitted yet
    "portal_leave": Entry(PORTAL, methods=POST),
    "portal_story": Entry(PORTAL),
    "portal_story_renew": Entry(PORTAL_LINKS, methods=POST),
    "portal_unsubscribe": Entry(
        PORTAL_LINKS, args=lambda world: {"value": world.mine.unsubscribe}, methods=BOTH
    ),
    "portal_kiosk": Entry(PORTAL_LINKS, methods=BOTH),
    # Staff pages of the portal.
    "invitation_new": Entry(
        WRITE, args=mine(episode_id="episode"), methods=POST, ok=ok(POST=(400,))
    ),
    "kiosk_new": Entry(WRITE, args=mine(invitation_id="invitation"), methods=POST),
    "portal_story_toggle": Entry(WRITE, args=mine(episode_id="episode"), methods=POST, ok=REDIRECT),
    "portal_resubscribe": Entry(WRITE, args=mine(episode_id="episode"), methods=POST, ok=REDIRECT),
    "schedule_new": Entry(WRITE, args=mine(episode_id="episode"), methods=POST, ok=ok(POST=(400,))),
    "schedule_stop": Entry(WRITE, args=mine(schedule_id="schedule"), methods=POST, ok=REDIRECT),
    "outbox": Entry(ADMIN),
    "mail_deliveries": Entry(ADMIN),
}

# A portal session is the client's own: it may show their words. Otto's side is seen by
# otto only; tess's by those who read Robin's episode.
MAY_SEE_MINE = frozenset({"owner", "supervisor", "breakglass", "portal"})
MAY_SEE_THEIRS = frozenset({"other"})


def url_patterns(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern, through every include, namespaced."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, inner)
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)
            yield name, str(pattern.pattern)


def judge(expect: Expect, allowed: frozenset[int], answer: Answer) -> bool:
    signed_out = answer.location.startswith(reverse("account_login"))
    match expect:
        case Expect.OK:
            return answer.status in allowed and not signed_out
        case Expect.SIGN_IN:
            return answer.status == 302 and signed_out
        case Expect.HIDDEN:
            return answer.status == 404
        case Expect.NOT_HERE:
            return answer.status == 403 and "portal" in answer.body.lower()
        case Expect.UNAUTHORISED:
            return answer.status == 401
        case Expect.REFUSED:
            return answer.status == 410


class UrlWalkTests(AttackWorld):
    def call(self, persona: str, entry: Entry, method: str, path: str) -> Answer:
        body = entry.body(self) if entry.body is not None else {}
        if entry.api:
            bearer = self.tokens.get(persona, "")
            if method == "POST":
                json_body = json.dumps(body)
                return self.send(
                    persona, "post", path, json_body, bearer=bearer, content_type=JSON_TYPE
                )
            return self.send(persona, "get", path, bearer=bearer)
        if method == "POST" and persona == "portal":
            body = {**body, "portal_csrf": self.portal_csrf()}
        return self.send(persona, method.lower(), path, body if method == "POST" else None)

    def test_every_url_pattern_answers_every_persona_by_the_one_rule(self) -> None:
        patterns = list(url_patterns())
        names = {name for name, _route in patterns}
        missing = sorted(f"{name} ({route})" for name, route in patterns if name not in ACCESS)
        self.assertEqual(missing, [], "URL patterns without an entry in the attack table")
        self.assertEqual(sorted(set(ACCESS) - names), [], "entries for URLs that are gone")
        unexpected: list[str] = []
        requests = shown = 0
        with outbox_settings()[0]:
            for name in sorted(names):
                entry = ACCESS[name]
                path = reverse(name, kwargs=entry.args(self))
                if entry.query:
                    path = f"{path}?{entry.query}"
                for method in entry.methods:
                    for persona, expect in entry.rule_for(method).items():
                        answer = self.call(persona, entry, method, path)
                        requests += 1
                        problem = self.problem(persona, expect, entry.allowed(method), answer)
                        shown += persona in MAY_SEE_MINE and self.mine.secret in answer.body
                        if problem:
                            unexpected.append(f"{method} {path} as {persona}: {problem}")
        print(
            f"attack suite: {len(patterns)} URL patterns x {len(PERSONAS)} personas = "
            f"{requests} requests, {len(unexpected)} unexpected; tess's client data "
            f"in {shown} answers to those who read it, and in no other"
        )
        self.maxDiff = None
        self.assertEqual(unexpected, [])
        self.assertGreater(shown, 50)  # the secret word is there to be found

    def problem(self, persona: str, expect: Expect, allowed: frozenset[int], answer: Answer) -> str:
        if not judge(expect, allowed, answer):
            where = f" -> {answer.location}" if answer.location else ""
            return f"expected {expect}, got {answer.status}{where}"
        if persona not in MAY_SEE_MINE and self.mine.secret in answer.body:
            return f"shows tess's client data ({answer.status})"
        if persona not in MAY_SEE_THEIRS and self.theirs.secret in answer.body:
            return f"shows otto's client data ({answer.status})"
        return ""
