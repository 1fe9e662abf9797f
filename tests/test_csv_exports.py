"""CSV exports: item-level assessments and episodes with outcomes, for a therapist's own
clients, a supervisor's team, or the clinic (an admin with two-factor who signed in in
the last 15 minutes); formula-like cells escaped; streamed; audited."""

import csv
import io
import json
import time
import uuid
from datetime import date

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.http import StreamingHttpResponse
from django.urls import reverse

from strides.accounts.models import User
from strides.assessments.services import assessment_record
from strides.audit.models import AuditEvent
from strides.clients.models import Client, Episode
from strides.instruments import get_instrument
from strides.reports.audiences import pseudonym
from tests.base import PersonaTestCase, phq9_answers

FORMULAS = ['=HYPERLINK("http://example.org")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


class CsvExportTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for day, total in ((date(2026, 9, 1), 18), (date(2026, 10, 1), 6)):
            cls.record(cls.tess, cls.tess_episode, day, total)
        cls.record(cls.otto, cls.otto_episode, date(2026, 9, 3), 11)
        for name in FORMULAS:
            client = Client.objects.create(display_name=name)
            Episode.objects.create(client=client, therapist=cls.tess, start=date(2026, 9, 1))

    @staticmethod
    def record(actor: User, episode: Episode, day: date, total: int) -> None:
        assessment_record(
            actor=actor, episode=episode, instrument_code="phq9", answers=phq9_answers(total),
            taken_on=day, submission_key=uuid.uuid4(),
        )  # fmt: skip

    def download(self, kind: str, expect: int = 200) -> list[dict[str, str]]:
        response = self.client.get(reverse(f"export_{kind}"))
        self.assertEqual(response.status_code, expect)
        self.assertIsInstance(response, StreamingHttpResponse)
        assert isinstance(response, StreamingHttpResponse)
        self.assertEqual(response["Content-Type"], "text/csv")
        body = b"".join(response.streaming_content).decode()
        return list(csv.DictReader(io.StringIO(body, newline="")))

    def sign_in_admin(self, *, two_factor: bool, minutes_ago: float | None) -> None:
        if two_factor:
            Authenticator.objects.create(user=self.admin, type=Authenticator.Type.TOTP, data={})
        self.login(self.admin)
        if minutes_ago is not None:
            session = self.client.session
            at = time.time() - minutes_ago * 60
            session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {"method": "password", "at": at, "username": "admin"},
                {"method": "mfa", "at": at, "type": "totp"},
            ]
            session["account_authentication_methods_user"] = str(self.admin.pk)
            session.save()

    def test_assessment_export_is_item_level_with_instrument_code_and_version(self) -> None:
        self.login(self.tess)
        rows = self.download("assessments")
        self.assertEqual(len(rows), 2 * 9)  # two PHQ-9 administrations, nine items each
        version = get_instrument("phq9").version
        self.assertEqual(
            {(r["instrument_code"], r["instrument_version"]) for r in rows}, {("phq9", version)}
        )
        first = [r for r in rows if r["taken_on"] == "2026-09-01"]
        self.assertEqual([int(r["item"]) for r in first], list(range(1, 10)))
        self.assertEqual(sum(int(r["answer"]) for r in first), 18)
        self.assertEqual({r["total"] for r in first}, {"18.0"})
        self.assertEqual({r["band"] for r in first}, {"moderately_severe"})
        self.assertEqual({r["client"] for r in rows}, {"Robin Tessclient"})

    def test_episode_export_has_the_outcomes_and_numbers_stay_numbers(self) -> None:
        self.login(self.tess)
        rows = self.download("episodes")
        [phq9] = [r for r in rows if r["episode_id"] == str(self.tess_episode.pk)]
        self.assertEqual(
            (phq9["instrument"], phq9["first"], phq9["latest"]), ("phq9", "18.0", "6.0")
        )
        self.assertEqual(phq9["change"], "-12.0")  # a number, not escaped into text
        self.assertEqual(phq9["reliable_change"], "improved")
        self.assertEqual(phq9["clinical_significance"], "recovered")
        self.assertEqual(phq9["attended_sessions"], "1")
        # an episode without scores still has its row
        self.assertEqual(len([r for r in rows if r["instrument"] == ""]), len(FORMULAS))

    def test_cells_that_could_run_as_formulas_are_escaped(self) -> None:
        self.login(self.tess)
        names = {r["client"] for r in self.download("episodes")}
        for name in FORMULAS:
            self.assertIn("'" + name, names)
            self.assertNotIn(name, names)

    def test_a_therapist_exports_only_their_own_clients(self) -> None:
        self.login(self.tess)
        for kind in ("assessments", "episodes"):
            ids = {r["episode_id"] for r in self.download(kind)}
            self.assertNotIn(str(self.otto_episode.pk), ids)
            self.assertIn(str(self.tess_episode.pk), ids)

    def test_a_supervisor_exports_their_team(self) -> None:
        self.login(self.sam)
        ids = {r["episode_id"] for r in self.download("episodes")}
        self.assertIn(str(self.tess_episode.pk), ids)
        self.assertNotIn(str(self.otto_episode.pk), ids)

    def test_admin_without_two_factor_is_refused_with_a_clear_message(self) -> None:
        self.sign_in_admin(two_factor=False, minutes_ago=1)
        response = self.client.get(reverse("export_episodes"))
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "needs two-factor sign-in", status_code=403)
        self.assertNotContains(response, "Robin", status_code=403)
        self.assertEqual(self.denied_events(self.admin, action="export.csv"), 1)

    def test_admin_with_an_old_sign_in_is_refused_with_a_clear_message(self) -> None:
        self.sign_in_admin(two_factor=True, minutes_ago=16)
        response = self.client.get(reverse("export_assessments"))
        self.assertContains(response, "within the last 15 minutes", status_code=403)
        self.assertContains(response, reverse("account_reauthenticate"), status_code=403)
        self.assertNotContains(response, "Robin", status_code=403)

    def test_admin_without_any_sign_in_record_is_refused(self) -> None:
        self.sign_in_admin(two_factor=True, minutes_ago=None)
        self.assertEqual(self.client.get(reverse("export_episodes")).status_code, 403)

    def test_admin_with_two_factor_and_a_recent_sign_in_exports_the_clinic_pseudonymised(
        self,
    ) -> None:
        self.sign_in_admin(two_factor=True, minutes_ago=2)
        rows = self.download("episodes")
        ids = {r["episode_id"] for r in rows}
        self.assertTrue({str(self.tess_episode.pk), str(self.otto_episode.pk)} <= ids)
        names = {r["client"] for r in rows}
        self.assertNotIn("Robin Tessclient", names)
        self.assertNotIn("Kit Ottoclient", names)
        self.assertIn(pseudonym(self.tess_client.pk), names)
        self.assertEqual(len(self.download("assessments")), 3 * 9)

    def test_an_export_is_audited_with_kind_and_scope(self) -> None:
        self.login(self.sam)
        self.download("assessments")
        event = AuditEvent.objects.get(action="export.csv")
        self.assertEqual(event.actor, self.sam)
        self.assertEqual(json.loads(event.detail), {"kind": "assessments", "scope": "team"})

    def test_unknown_export_is_404(self) -> None:
        self.login(self.tess)
        self.assertEqual(self.client.get("/exports/notes/").status_code, 404)

    def test_exports_page_is_linked_from_the_nav(self) -> None:
        for user in (self.tess, self.sam, self.admin):
            self.login(user)
            response = self.client.get(reverse("my_account"))
            self.assertContains(response, f'href="{reverse("exports")}"')
            self.assertEqual(self.client.get(reverse("exports")).status_code, 200)

    def test_exports_page_tells_an_admin_without_two_factor_what_to_do(self) -> None:
        self.sign_in_admin(two_factor=False, minutes_ago=1)
        response = self.client.get(reverse("exports"))
        self.assertContains(response, "needs two-factor sign-in")
        self.assertNotContains(response, reverse("export_episodes"))
