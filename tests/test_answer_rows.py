"""The client page's answers tables, built in Python: the same rows the template loop
made, with every item text, answer and label escaped."""

from django.test import SimpleTestCase

from strides.assessments.selectors import AnswerRow
from strides.assessments.templatetags.answer_rows import answer_rows


class AnswerRowsTests(SimpleTestCase):
    def test_rows_as_the_form_printed_them(self) -> None:
        html = answer_rows(
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
        attack = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
        html = answer_rows([AnswerRow(3, attack, attack, attack, False)])
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertEqual(html.count("&lt;script&gt;"), 3)
        self.assertEqual(html.count("&quot;&gt;"), 3)
