"""The client page's score tables, built in Python: the same rows the template loops
made (date link, total with band and flags, changes, item answers), with every item
text, answer and label escaped."""

from datetime import date

from django.test import SimpleTestCase

from strides.assessments.models import Assessment
from strides.assessments.selectors import AnswerRow, HistoryRow, InstrumentHistory
from strides.assessments.templatetags.history_rows import answer_rows_html, history_rows
from strides.instruments import get_instrument

ATTACK = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


class AnswerRowsTests(SimpleTestCase):
    def test_rows_as_the_form_printed_them(self) -> None:
        html = answer_rows_html(
            [
                AnswerRow(1, "Little interest", 2, "More than half the days", False),
                AnswerRow(9, "Thoughts", None, "not answered", True),
                AnswerRow(10, "Difficulty", "n/a", "", False),
            ]
        )
        self.assertEqual(
            html,
            "<tr><td>1</td><td>Little interest</td><td>2 · More than half the days</td></tr>"
            '<tr class="risk-row"><td>9</td><td>Thoughts <span class="badge risk">risk item'
            '</span></td><td><span class="muted">not answered</span></td></tr>'
            "<tr><td>10</td><td>Difficulty</td><td>n/a</td></tr>",
        )

    def test_markup_in_text_answers_and_labels_stays_text(self) -> None:
        html = answer_rows_html([AnswerRow(3, ATTACK, ATTACK, ATTACK, False)])
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertEqual(html.count("&lt;script&gt;"), 3)


class HistoryRowsTests(SimpleTestCase):
    def history(self, **fields: object) -> InstrumentHistory:
        defaults: dict[str, object] = {"flags": [], "has_risk": False}
        assessment = Assessment(
            pk=7,
            instrument_code="phq9",
            total=12,
            band="moderate",
            taken_on=date(2026, 11, 3),
            **(defaults | fields),
        )
        row = HistoryRow(assessment, -3, -8, [AnswerRow(1, ATTACK, 2, ATTACK, False)])
        return InstrumentHistory(get_instrument("phq9"), [row], [])

    def test_a_row_with_band_changes_and_items(self) -> None:
        html = history_rows(self.history())
        self.assertIn('<tr id="assessment-7"><td><a href="/assessments/7/">', html)
        self.assertIn('<span class="total">12</span> <span class="band band-level-', html)
        self.assertIn(">Moderate</span>", html)
        self.assertIn("<td>\u22123</td><td>\u22128</td>", html)
        self.assertIn('<details><summary>items</summary><table class="answers">', html)
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)

    def test_flags_and_risk_get_their_badges(self) -> None:
        html = history_rows(self.history(flags=["prorated", "risk_unanswered"]))
        self.assertIn('<span class="badge">prorated</span>', html)
        self.assertIn('<span class="badge risk">risk item not answered: please ask</span>', html)
        self.assertNotIn("risk item endorsed", html)
        risky = history_rows(self.history(has_risk=True, flags=["incomplete"]))
        self.assertIn('<span class="badge risk">risk item endorsed</span>', risky)
        self.assertIn("incomplete: too many items missing for a total", risky)
