"""The client portal: single-use links stored as hashes, the answering flow (one
instrument at a time, review, skipped items, thank-you), risk response, refusals, the
rate limit, the portal session's reach, the invite command, mail and the Outbox."""

import io
import re
from datetime import timedelta
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from strides.alerts.models import Alert, AlertKind
from strides.assessments.models import Assessment, Mode
from strides.audit.models import AuditEvent
from strides.goals.models import Goal, GoalRating, RatingSource
from strides.portal import selectors, services
from strides.portal.models import (
    ClientPortal,
    DeliveryStatus,
    EmailDelivery,
    EmailKind,
    Invitation,
)
from strides.portal.tokens import token_hash
from tests.base import PersonaTestCase
from tests.portal_helpers import outbox_mail, outbox_settings, run_worker

PHQ9_ITEMS = range(1, 11)  # nine items and the difficulty question
GAD7_ITEMS = range(1, 9)


class PortalTestCase(PersonaTestCase):
    def setUp(self) -> None:
        self.tess_client.email = "robin@example.org"
        self.tess_client.save()
        self.tess.email = "tess@example.org"
        self.tess.save()
        mail_settings, self.outbox = outbox_settings()
        mail_settings.enable()
        self.addCleanup(mail_settings.disable)

    def invite(self, instruments: list[str] | None = None, goals: bool = False) -> str:
        new = services.invitation_create(
            actor=self.tess,
            episode=self.tess_episode,
            instruments=instruments if instruments is not None else ["phq9", "gad7"],
            include_goals=goals,
        )
        return new.token

    def open_link(self, token: str) -> None:
        response = self.client.get(reverse("portal_open", args=[token]))
        self.assertEqual(response.status_code, 302, response.content[:300])

    def post(self, path: str, data: dict[str, str] | None = None, **extra: Any) -> Any:
        """A portal form's POST, with the portal session's own CSRF token."""
        state = self.client.session.get("strides_portal") or {}
        form = (data or {}) | {"portal_csrf": state.get("csrf", "")}
        return self.client.post(path, form, **extra)

    def answer_step(self, step: int, items: range, value: int, **extra: str) -> None:
        data = {f"item_{n}": str(value) for n in items} | extra
        self.post(reverse("portal_step", args=[step]), data)

    def complete(self, token: str, value: int = 1) -> None:
        self.open_link(token)
        self.answer_step(1, PHQ9_ITEMS, value)
        self.answer_step(2, GAD7_ITEMS, value)
        response = self.post(reverse("portal_review"))
        self.assertRedirects(response, reverse("portal_thanks"))


class InvitationTokenTests(PortalTestCase):
    def test_token_is_random_long_and_stored_only_as_a_hash(self) -> None:
        token = self.invite()
        invitation = Invitation.objects.get()
        self.assertGreaterEqual(len(token), 22)  # 22 URL-safe characters carry 128 bits
        self.assertEqual(invitation.token_hash, token_hash(token))
        stored = " ".join(str(v) for v in Invitation.objects.values_list().get() if v is not None)
        self.assertNotIn(token, stored)
        self.assertNotEqual(self.invite(), token)

    @override_settings(STRIDES_INVITATION_DAYS=4)
    def test_expires_after_the_configured_days(self) -> None:
        self.invite()
        invitation = Invitation.objects.get()
        self.assertEqual(invitation.expires_at - invitation.created_at, timedelta(days=4))

    def test_invite_command_prints_the_absolute_link(self) -> None:
        out = io.StringIO()
        with override_settings(STRIDES_BASE_URL="https://strides.example.org"):
            call_command(
                "invite",
                "create",
                "--episode",
                str(self.tess_episode.pk),
                "--instruments",
                "phq9,gad7",
                "--goals",
                stdout=out,
            )
        link = out.getvalue().strip()
        self.assertRegex(link, r"^https://strides\.example\.org/p/o/[A-Za-z0-9_-]{40,}$")
        invitation = Invitation.objects.get()
        self.assertEqual(invitation.instruments, ["phq9", "gad7"])
        self.assertTrue(invitation.include_goals)
        self.assertEqual(invitation.token_hash, token_hash(link.rsplit("/", 1)[1]))

    def test_stranger_cannot_invite_another_therapists_client(self) -> None:
        self.login(self.otto)
        response = self.client.post(
            reverse("invitation_new", args=[self.tess_episode.pk]), {"instruments": ["phq9"]}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(self.denied_events(self.otto, action="invitation.create"), 1)

    def test_therapist_invites_from_the_client_page_and_sees_link_and_qr(self) -> None:
        self.login(self.tess)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(page, reverse("invitation_new", args=[self.tess_episode.pk]))
        response = self.client.post(
            reverse("invitation_new", args=[self.tess_episode.pk]),
            {"instruments": ["phq9", "gad7"], "goals": "1", "email": "1"},
        )
        self.assertContains(response, "/p/o/")
        self.assertContains(response, "<svg")
        self.assertEqual(EmailDelivery.objects.get().kind, EmailKind.INVITATION)


class AnsweringTests(PortalTestCase):
    def test_link_is_exchanged_for_a_session_and_redirected_away(self) -> None:
        token = self.invite()
        response = self.client.get(reverse("portal_open", args=[token]))
        self.assertRedirects(response, reverse("portal_welcome"))
        self.assertNotIn(token, response["Location"])
        self.assertEqual(response["Referrer-Policy"], "no-referrer")
        page = self.client.get(reverse("portal_welcome"))
        self.assertEqual(page["Referrer-Policy"], "no-referrer")
        self.assertNotContains(page, self.tess_client.display_name)

    def test_one_instrument_at_a_time_in_its_exact_wording(self) -> None:
        self.open_link(self.invite())
        page = self.client.get(reverse("portal_step", args=[1]))
        self.assertContains(page, "1 of 2")
        self.assertContains(page, "Over the last 2 weeks, how often have you been bothered")
        self.assertContains(page, "Little interest or pleasure in doing things")
        self.assertContains(page, "More than half the days")
        self.assertNotContains(page, "Feeling nervous, anxious")  # GAD-7 comes next
        second = self.client.get(reverse("portal_step", args=[2]))
        self.assertContains(second, "2 of 2")
        self.assertContains(second, "Feeling nervous, anxious")

    def test_submit_stores_one_portal_assessment_per_instrument_and_thanks(self) -> None:
        self.complete(self.invite())
        assessments = Assessment.objects.filter(episode=self.tess_episode)
        self.assertEqual(sorted(a.instrument_code for a in assessments), ["gad7", "phq9"])
        self.assertTrue(all(a.mode == Mode.PORTAL for a in assessments))
        self.assertEqual(assessments.get(instrument_code="phq9").total, 9)
        self.assertEqual(self.tess_episode.progress.last_assessed_on, timezone.localdate())
        thanks = self.client.get(reverse("portal_thanks"))
        self.assertContains(thanks, "Thank you")
        self.assertContains(thanks, "before you next meet")

    def test_the_progress_is_refreshed_once_for_the_whole_submit(self) -> None:
        # Two instruments, one refresh after both: the summary holds both measures.
        real = services.progress_refresh
        with (
            mock.patch("strides.portal.services.progress_refresh", wraps=real) as here,
            mock.patch("strides.assessments.services.progress_refresh", wraps=real) as per_one,
        ):
            self.complete(self.invite())
        self.assertEqual((here.call_count, per_one.call_count), (1, 0))
        self.tess_episode.refresh_from_db()
        self.assertEqual(sorted(self.tess_episode.progress.measures), ["gad7", "phq9"])

    def test_the_same_link_is_refused_after_submitting(self) -> None:
        token = self.invite()
        self.complete(token)
        self.client.session.flush()
        response = self.client.get(reverse("portal_open", args=[token]))
        self.assertContains(response, "This link cannot be used", status_code=410)
        self.assertEqual(Assessment.objects.count(), 2)

    def test_a_repeated_submit_stores_once(self) -> None:
        self.complete(self.invite())
        again = self.post(reverse("portal_review"))
        self.assertRedirects(again, reverse("portal_thanks"))
        self.assertEqual(Assessment.objects.count(), 2)
        invitation = Invitation.objects.get()
        with self.assertRaises(services.AlreadySubmitted):
            services.portal_submit(invitation=invitation, answers={}, goal_ratings={})

    def test_a_submit_sent_again_after_a_lost_answer_is_thanked_and_stored_once(self) -> None:
        token = self.invite()
        other = Client()  # a second session of the same link, opened before the submit
        other.get(reverse("portal_open", args=[token]))
        self.complete(token)
        session = self.client.session  # as if the answer and its session save were lost
        session["strides_portal"] = {**session["strides_portal"], "done": False}
        session.save()
        again = self.post(reverse("portal_review"))
        self.assertRedirects(again, reverse("portal_thanks"))
        self.assertEqual(Assessment.objects.count(), 2)
        csrf = other.session["strides_portal"]["csrf"]
        refused = other.post(reverse("portal_review"), {"portal_csrf": csrf})
        self.assertEqual(refused.status_code, 410)
        self.assertEqual(Assessment.objects.count(), 2)

    def test_skipped_items_are_explained_and_may_stay_blank(self) -> None:
        self.open_link(self.invite(["phq9"]))
        data = {f"item_{n}": "1" for n in range(1, 9)}  # item 9 and 10 left blank
        response = self.post(reverse("portal_step", args=[1]), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "You left 1 question blank")
        self.assertContains(response, "Leaving a question blank is fine")
        self.assertContains(response, 'name="skip_ok"')
        on = self.post(reverse("portal_step", args=[1]), data | {"skip_ok": "1"})
        self.assertRedirects(on, reverse("portal_review"))
        review = self.client.get(reverse("portal_review"))
        self.assertContains(review, "left blank")
        self.post(reverse("portal_review"))
        phq9 = Assessment.objects.get()
        self.assertIsNone(phq9.answers["9"])

    def test_review_shows_the_answers_before_sending(self) -> None:
        self.open_link(self.invite(["gad7"]))
        self.answer_step(1, GAD7_ITEMS, 2)
        review = self.client.get(reverse("portal_review"))
        self.assertContains(review, "Check your answers")
        self.assertContains(review, "More than half the days")
        self.assertFalse(Assessment.objects.exists())

    def test_goal_ratings_are_stored_as_the_clients_own(self) -> None:
        goal = Goal.objects.create(
            episode=self.tess_episode,
            text_encrypted=__import__("strides.crypto", fromlist=["x"]).encrypt_text(
                "Walk to the park"
            ),
            submission_key="6f1d3c52-8a8e-4f0e-9a57-1c3f3b7e2a11",
            created_by=self.tess,
        )
        self.open_link(self.invite(["gad7"], goals=True))
        self.answer_step(1, GAD7_ITEMS, 0)
        page = self.client.get(reverse("portal_step", args=[2]))
        self.assertContains(page, "Walk to the park")
        self.post(reverse("portal_step", args=[2]), {f"goal_{goal.pk}": "6"})
        self.post(reverse("portal_review"))
        rating = GoalRating.objects.get()
        self.assertEqual(rating.rating, 6)
        self.assertEqual(rating.source, RatingSource.PORTAL)
        self.assertIsNone(rating.rated_by)


class RiskTests(PortalTestCase):
    def test_risk_answer_shows_crisis_resources_at_once_and_alerts_the_therapist(self) -> None:
        self.open_link(self.invite(["phq9"]))
        data = {f"item_{n}": "0" for n in PHQ9_ITEMS} | {"item_9": "2"}
        self.post(reverse("portal_step", args=[1]), data)
        review = self.client.get(reverse("portal_review"))
        self.assertContains(review, "You do not have to carry this alone")
        self.assertContains(review, "Demo Crisis Line (synthetic)")
        self.post(reverse("portal_review"))
        assessment = Assessment.objects.get()
        alert = Alert.objects.get(episode=self.tess_episode, kind=AlertKind.RISK)
        self.assertEqual(alert.source_id, assessment.pk)
        thanks = self.client.get(reverse("portal_thanks"))
        self.assertContains(thanks, "Demo Crisis Line (synthetic)")
        notice = EmailDelivery.objects.get(kind=EmailKind.ALERT)
        self.assertEqual(notice.to_address, "tess@example.org")
        run_worker()
        text = outbox_mail(self.outbox)
        self.assertIn("A new alert needs your attention", text)
        for clinical in ("PHQ", "risk", "Risk", self.tess_client.display_name, "item"):
            self.assertNotIn(clinical, text)

    @override_settings(STRIDES_CRISIS_RESOURCES="Riverside Crisis Team|call 555 0111|24 hours")
    def test_crisis_resources_are_a_clinic_setting(self) -> None:
        self.open_link(self.invite(["phq9"]))
        data = {f"item_{n}": "0" for n in PHQ9_ITEMS} | {"item_9": "1"}
        response = self.post(reverse("portal_step", args=[1]), data, follow=True)
        self.assertContains(response, "Riverside Crisis Team")
        self.assertNotContains(response, "Demo Crisis Line")

    def test_changing_a_risk_answer_back_removes_the_crisis_box(self) -> None:
        self.open_link(self.invite(["phq9"]))
        self.answer_step(1, PHQ9_ITEMS, 0, item_9="1")
        self.assertContains(self.client.get(reverse("portal_review")), "carry this alone")
        self.answer_step(1, PHQ9_ITEMS, 0)
        self.assertNotContains(self.client.get(reverse("portal_review")), "carry this alone")

    def test_no_crisis_box_without_a_risk_answer(self) -> None:
        self.open_link(self.invite(["phq9"]))
        self.answer_step(1, PHQ9_ITEMS, 1, item_9="0")
        self.assertNotContains(self.client.get(reverse("portal_review")), "carry this alone")


class RefusalTests(PortalTestCase):
    def refused(self, token: str) -> str:
        response = self.client.get(reverse("portal_open", args=[token]))
        self.assertEqual(response.status_code, 410)
        self.assertNotContains(response, self.tess_client.display_name, status_code=410)
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    def test_used_expired_unknown_and_unsubscribed_get_the_same_page(self) -> None:
        used = self.invite()
        self.complete(used)
        self.client.session.flush()
        expired = self.invite()
        Invitation.objects.filter(token_hash=token_hash(expired)).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        unsubscribed = self.invite()
        pages = {self.refused(used), self.refused(expired), self.refused("no-such-token")}
        ClientPortal.objects.filter(client=self.tess_client).update(unsubscribed_at=timezone.now())
        pages.add(self.refused(unsubscribed))
        self.assertEqual(len(pages), 1)
        reasons = [
            e.detail for e in AuditEvent.objects.filter(action="portal.open", outcome="denied")
        ]
        for reason in ("used", "expired", "unknown", "unsubscribed"):
            self.assertTrue(any(reason in detail for detail in reasons), reason)

    @override_settings(STRIDES_PORTAL_ATTEMPTS=3)
    def test_attempts_are_rate_limited_per_address(self) -> None:
        good = self.invite()
        for n in range(3):
            self.client.get(reverse("portal_open", args=[f"guess-{n}"]))
        response = self.client.get(reverse("portal_open", args=[good]))
        self.assertEqual(response.status_code, 410)
        other = self.client.get(reverse("portal_open", args=[good]), REMOTE_ADDR="10.0.0.9")
        self.assertEqual(other.status_code, 302)
        self.assertTrue(
            AuditEvent.objects.filter(action="portal.open", detail__contains="rate_limited")
        )


class PortalSessionReachTests(PortalTestCase):
    def test_a_portal_session_reaches_no_staff_url(self) -> None:
        from django.urls import URLPattern, URLResolver, get_resolver

        def walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
            found: list[str] = []
            for pattern in patterns:
                route = prefix + str(pattern.pattern)
                if isinstance(pattern, URLResolver):
                    found += walk(list(pattern.url_patterns), route)
                else:
                    found.append(route)
            return found

        routes = walk(list(get_resolver().url_patterns))
        self.login(self.tess)  # a staff sign-in in the same browser ends at the link
        self.open_link(self.invite())
        checked = 0
        for route in routes:
            path = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route).lstrip("^").rstrip("$")
            path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path).replace("\\", "")
            if path.startswith("/p/") or path.startswith(("/static/", "/healthz")):
                continue
            for method in (self.client.get, self.client.post):
                response = method(path)
                self.assertEqual(response.status_code, 403, f"{method.__name__} {path}")
                self.assertContains(response, "not part of your check-in", status_code=403)
            checked += 1
        self.assertGreater(checked, 40)
        # Later additions (an API) are refused the same way.
        self.assertEqual(self.client.get("/api/v1/clients").status_code, 403)
        # The portal itself still answers.
        self.assertEqual(self.client.get(reverse("portal_welcome")).status_code, 200)

    def test_portal_forms_need_the_sessions_own_token(self) -> None:
        self.open_link(self.invite(["gad7"]))
        self.answer_step(1, GAD7_ITEMS, 1)
        forged = self.client.post(reverse("portal_review"), {"portal_csrf": "guess"})
        self.assertEqual(forged.status_code, 410)
        self.assertFalse(Assessment.objects.exists())
        self.assertRedirects(self.post(reverse("portal_review")), reverse("portal_thanks"))

    def test_the_portal_session_expires(self) -> None:
        self.open_link(self.invite())
        session = self.client.session
        state = session["strides_portal"]
        state["until"] = (timezone.now() - timedelta(seconds=1)).isoformat()
        session["strides_portal"] = state
        session.save()
        self.assertEqual(self.client.get(reverse("portal_step", args=[1])).status_code, 410)


class MailTests(PortalTestCase):
    def test_invitation_mail_is_warm_has_link_and_qr_and_no_name_in_subject(self) -> None:
        self.invite()
        self.assertEqual(run_worker()["invitations"], 0)
        delivery = EmailDelivery.objects.get()
        self.assertEqual(delivery.status, DeliveryStatus.SENT)
        self.assertEqual(delivery.body_encrypted, "")  # the link is gone once sent
        raw = outbox_mail(self.outbox)
        self.assertIn("Subject: A short check-in from your therapist", raw)
        self.assertNotIn(self.tess_client.display_name, raw)
        self.assertIn("/p/o/", raw)
        self.assertIn("<svg", raw)
        self.assertIn("/p/unsubscribe/", raw)

    def test_outbox_is_for_admins_and_shows_the_link(self) -> None:
        self.invite()
        run_worker()
        self.login(self.tess)
        self.assertEqual(self.client.get(reverse("outbox")).status_code, 404)
        self.login(self.admin)
        page = self.client.get(reverse("outbox"))
        self.assertContains(page, "A short check-in from your therapist")
        link = selectors.outbox_messages()[0].links[0]  # type: ignore[index]
        self.assertContains(page, link)

    def test_outbox_does_not_exist_with_a_real_mail_server(self) -> None:
        smtp = {"portal": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
        self.login(self.admin)
        self.assertContains(self.client.get(reverse("staff_list")), reverse("outbox"))
        with override_settings(MAILERS=smtp):
            self.assertEqual(self.client.get(reverse("outbox")).status_code, 404)
            self.assertNotContains(self.client.get(reverse("staff_list")), reverse("outbox"))

    def test_a_failing_mail_server_is_retried_with_backoff_then_shown_to_admins(self) -> None:
        broken = {
            "portal": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
            }
        }
        self.invite()
        with override_settings(MAILERS=broken):
            run_worker()
            delivery = EmailDelivery.objects.get()
            self.assertEqual((delivery.status, delivery.attempts), (DeliveryStatus.QUEUED, 1))
            self.assertIn("ConnectionRefused", delivery.last_error)
            run_worker()  # the retry waits for its backoff
            self.assertEqual(EmailDelivery.objects.get().attempts, 1)
        self.login(self.admin)
        page = self.client.get(reverse("mail_deliveries"))
        self.assertContains(page, "ConnectionRefused")
        self.login(self.tess)
        self.assertEqual(self.client.get(reverse("mail_deliveries")).status_code, 404)

    def test_unsubscribe_from_the_email_link_is_shown_on_the_client_page(self) -> None:
        self.invite()
        run_worker()
        raw = outbox_mail(self.outbox)
        link = re.search(r"http://[^\s]+/p/unsubscribe/[^\s]+", raw)
        assert link is not None
        path = link.group(0).split("8000", 1)[1]
        self.assertContains(self.client.get(path), "Stop these emails?")
        self.assertIsNone(ClientPortal.objects.get(client=self.tess_client).unsubscribed_at)
        self.assertContains(self.client.post(path), "no more check-in emails")
        self.login(self.tess)
        page = self.client.get(reverse("client_detail", args=[self.tess_client.pk]))
        self.assertContains(page, "unsubscribed from portal emails")
