"""The caseload table's rows, built in Python: each cell as the template made it (status
and reason, measures with band and sparkline, alerts, days, next appointment; the
therapist column for supervisors), with every text escaped."""

from dataclasses import replace
from datetime import UTC, datetime

from django.test import SimpleTestCase
from django.urls import reverse

from strides.accounts.models import Role
from strides.clients.models import Client
from strides.outcomes.dashboard import CaseloadRow, RowMeasure
from strides.outcomes.templatetags.caseload_rows import caseload_rows, caseload_rows_html
from strides.web.templatetags.strides_format import day_time
from tests.base import PersonaTestCase

ATTACK = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
SPARKLINE = '<svg class="sparkline"></svg>'

PHQ9 = RowMeasure("phq9", "PHQ-9", 12.0, "Moderate", 2, SPARKLINE)
GAD7 = RowMeasure("gad7", "GAD-7", None, "", None, "")
ROW = CaseloadRow(
    client=Client(pk=4, display_name="Robin Synthetic"),
    open=True,
    therapist_name="tess",
    url="/clients/4/",
    measures=[PHQ9, GAD7],
    main_name="PHQ-9",
    latest=12.0,
    band="Moderate",
    status="on_track",
    explanation="",
    reason="PHQ-9 18 → 12",
    sparkline_svg=SPARKLINE,
    risk=False,
    open_alerts=0,
    days_since_assessment=3,
    since_last_measure="3 days",
    next_appointment=datetime(2026, 12, 3, 10, tzinfo=UTC),
)


class CaseloadRowsTests(SimpleTestCase):
    def test_a_row_cell_by_cell(self) -> None:
        html = caseload_rows_html([ROW], show_therapist=False)
        self.assertTrue(html.startswith('<tr class="status-on_track"><th scope="row">'))
        self.assertIn('<a href="/clients/4/">Robin Synthetic</a></th>', html)
        self.assertIn(
            '<td class="status-cell" data-label="Status"><span class="status-pill '
            'status-on_track">On track</span> <p class="reason">PHQ-9 18 → 12</p></td>',
            html,
        )
        self.assertIn(
            '<li><span class="measure-name">PHQ-9</span> <strong>12</strong> <span class="band '
            f'band-level-2">Moderate</span> {SPARKLINE}</li>',
            html,
        )
        self.assertIn(
            '<li><span class="measure-name">GAD-7</span> <span class="muted">not given yet'
            "</span></li>",
            html,
        )
        self.assertIn('<td class="fact" data-label="Alerts"><span class="muted">none</span>', html)
        self.assertIn('<td class="fact" data-label="Since last measure">3 days</td>', html)
        shown = day_time(ROW.next_appointment)  # the locale's format, as the template's filter
        self.assertIn(f'data-label="Next appointment">{shown}</td></tr>', html)
        self.assertNotIn('data-label="Therapist"', html)
        self.assertNotIn("risk item endorsed", html)

    def test_risk_alerts_ended_and_the_supervisors_therapist_column(self) -> None:
        row = replace(
            ROW, risk=True, open=False, open_alerts=2, status="", days_since_assessment=None
        )
        html = caseload_rows_html([row], show_therapist=True)
        self.assertTrue(html.startswith('<tr class="has-risk status-none">'))
        self.assertIn('<span class="badge risk"><svg class="icon"', html)
        self.assertIn("risk item endorsed</span>", html)
        self.assertIn('<span class="badge ended">ended</span></th>', html)
        self.assertIn('<td data-label="Therapist">tess</td>', html)
        self.assertIn('<span class="muted">Ended</span>', html)
        self.assertIn('<span class="badge risk">2 open</span>', html)
        self.assertIn('data-label="Since last measure"><span class="muted">—</span>', html)

    def test_an_open_row_without_measures(self) -> None:
        row = replace(ROW, measures=[], status="", next_appointment=None, reason="")
        html = caseload_rows_html([row], show_therapist=False)
        self.assertIn('<span class="status-pill">No measures yet</span></td>', html)
        self.assertIn('<ul class="row-measures"><li class="muted">no measures yet</li></ul>', html)
        self.assertIn('<span class="muted">none booked</span></td></tr>', html)
        self.assertIn(
            '<span class="badge warn">',
            caseload_rows_html([replace(ROW, open_alerts=1)], show_therapist=False),
        )

    def test_markup_in_every_text_stays_text(self) -> None:
        measure = RowMeasure("x", ATTACK, 3.0, ATTACK, 1, "")
        row = replace(
            ROW,
            client=Client(pk=5, display_name=ATTACK),
            therapist_name=ATTACK,
            url=ATTACK,
            measures=[measure],
            status=ATTACK,
            reason=ATTACK,
            since_last_measure=ATTACK,
        )
        html = caseload_rows_html([row], show_therapist=True)
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertEqual(html.count("&lt;script&gt;"), 10)  # the status three times

    def test_the_tag_shows_the_therapist_column_to_all_but_therapists(self) -> None:
        self.assertNotIn('data-label="Therapist"', caseload_rows([ROW], "therapist"))
        self.assertIn('data-label="Therapist"', caseload_rows([ROW], "supervisor"))


class EmptyCaseloadTests(PersonaTestCase):
    """With no row to build, the table says why (the rows' tag is not called)."""

    def test_a_new_therapist_is_told_to_add_a_first_client(self) -> None:
        self.client.force_login(self.make_user("nadia", Role.THERAPIST))
        response = self.client.get(reverse("caseload"))
        self.assertContains(response, "No clients yet. Add your first client")
        self.assertNotContains(response, '<tr class="status-')

    def test_a_search_without_a_match_says_so(self) -> None:
        self.login(self.tess)
        response = self.client.post(reverse("caseload"), {"q": "Nobody Synthetic"})
        self.assertContains(response, "No client matches these filters")
        self.assertContains(response, "Nobody Synthetic")

    def test_a_supervisor_without_supervisees_has_nothing_to_show(self) -> None:
        self.client.force_login(self.make_user("sue", Role.SUPERVISOR))
        self.assertContains(self.client.get(reverse("caseload")), "No clients to show.")
