"""The item rows of an assessment's answers table, built in Python: the client page
shows one such table per assessment (120 on a three-instrument course of 40 sessions,
about a thousand rows), where a template loop cost a third of the page's time and
`format_html` per cell still about 1.4 ms a table. Every value is escaped with the
standard library's `html.escape` (what Django's `escape` wraps, without its lazy-string
wrapper), so item text from a practice's own definition file stays text."""

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from strides.assessments.selectors import AnswerRow

register = template.Library()


@register.simple_tag
def answer_rows(rows: Iterable[AnswerRow]) -> SafeString:
    """`<tr>` per item: number, text (with a risk badge), the answer and its label."""
    risk_badge = f' <span class="badge risk">{escape(gettext("risk item"))}</span>'
    not_answered = f'<span class="muted">{escape(gettext("not answered"))}</span>'
    html = []
    for row in rows:
        if row.value is None:
            answer = not_answered
        elif row.label:
            answer = f"{escape(str(row.value))} · {escape(row.label)}"
        else:
            answer = escape(str(row.value))
        html.append(
            f'<tr{' class="risk-row"' if row.risk else ""}><td>{row.number:d}</td>'
            f"<td>{escape(row.text)}{risk_badge if row.risk else ''}</td><td>{answer}</td></tr>"
        )
    return SafeString("".join(html))  # nosec B703
