"""The rows of an instrument's score table on the client page, built in Python.

The client page shows every current assessment of the episode, each with its item
answers (120 rows and about a thousand item rows for a three-instrument course of 40
sessions). As template loops they were most of the page's time, and `format_html` per
cell still cost about 1.4 ms a table. Every value that is not a fixed string of this
module or an integer (`:d`) is escaped with the standard library's `html.escape` (what
Django's `escape` wraps, without its lazy-string wrapper), so item text from a
practice's own definition file, and any label, stays text. tests/test_history_rows.py
renders markup in each and finds it escaped.
"""

from collections.abc import Iterable
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from strides.assessments.selectors import AnswerRow, InstrumentHistory
from strides.web.templatetags.strides_format import band_label, band_level, day, score, signed

register = template.Library()

FLAG_BADGES = (  # (flag, badge class, wording)
    ("prorated", "badge", "prorated"),
    ("incomplete", "badge ended", "incomplete: too many items missing for a total"),
)


def answer_rows_html(rows: Iterable[AnswerRow]) -> str:
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
            f"<tr{' class="risk-row"' if row.risk else ''}><td>{row.number:d}</td>"
            f"<td>{escape(row.text)}{risk_badge if row.risk else ''}</td><td>{answer}</td></tr>"
        )
    return "".join(html)


def _badge(css: str, words: str) -> str:
    return f'<span class="{css}">{escape(gettext(words))}</span>'


@register.simple_tag
def history_rows(history: InstrumentHistory) -> SafeString:
    """One `<tr>` per assessment: date (linked), total with band and flags, the changes
    from the previous and the first, and the item answers behind a disclosure."""
    items_head = (
        f'<details><summary>{escape(gettext("items"))}</summary><table class="answers">'
        f'<thead><tr><th scope="col">#</th><th scope="col">{escape(gettext("Item"))}</th>'
        f'<th scope="col">{escape(gettext("Answer"))}</th></tr></thead><tbody>'
    )
    html = []
    for row in history.rows:
        assessment = row.assessment
        url = reverse("assessment_detail", args=[assessment.pk])
        total = f'<span class="total">{escape(score(assessment.total))}</span>'
        if assessment.band:
            level = band_level(assessment.instrument_code, assessment.band)
            label = band_label(history.instrument, assessment.band)
            total += f' <span class="band band-level-{escape(str(level))}">{escape(label)}</span>'
        for flag, css, words in FLAG_BADGES:
            if flag in assessment.flags:
                total += " " + _badge(css, words)
        if assessment.has_risk:
            total += " " + _badge("badge risk", "risk item endorsed")
        if "risk_unanswered" in assessment.flags:
            total += " " + _badge("badge risk", "risk item not answered: please ask")
        html.append(
            f'<tr id="assessment-{assessment.pk:d}">'
            f'<td><a href="{escape(url)}">{escape(day(assessment.taken_on))}</a></td>'
            f"<td>{total}</td>"
            f"<td>{escape(signed(row.change_from_previous))}</td>"
            f"<td>{escape(signed(row.change_from_first))}</td>"
            f"<td>{items_head}{answer_rows_html(row.answers)}</tbody></table></details></td></tr>"
        )
    return SafeString("".join(html))  # nosec B703
