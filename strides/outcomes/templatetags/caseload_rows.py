"""The caseload table's rows, built in Python.

Each row holds a dozen conditionals, six translated labels, a measure list and a
sparkline; as a template loop the 25 rows took about 15 ms of a 20 ms render
(0.6 ms a row). Every value that is not a fixed string of this module or an integer
(`:d`) is escaped with `html.escape`, as in strides/assessments/templatetags/history_rows.py;
the sparklines are SVG that strides.lib.svg built with its own escaping, as the
template's `|safe` took them. tests/test_caseload_rows.py checks each cell's markup and
renders markup in every text and finds it escaped.
"""

from collections.abc import Sequence
from html import escape

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from strides.outcomes.dashboard import CaseloadRow, RowMeasure
from strides.web.templatetags.strides_format import day_time, score, status_label

register = template.Library()

RISK_ICON = (
    '<svg class="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" '
    'focusable="false"><path d="M8 1.5 15 14.5H1z" fill="none" stroke="currentColor" '
    'stroke-width="1.6" stroke-linejoin="round"/><path d="M8 6v4" stroke="currentColor" '
    'stroke-width="1.6" stroke-linecap="round"/><circle cx="8" cy="12.2" r=".9" '
    'fill="currentColor"/></svg>'
)


def _muted(words: str) -> str:
    return f'<span class="muted">{escape(words)}</span>'


def _measure(measure: RowMeasure) -> str:
    name = f'<span class="measure-name">{escape(measure.name)}</span>'
    if measure.latest is None:
        return f"<li>{name} {_muted(gettext('not given yet'))}</li>"
    band = ""
    if measure.band_label:
        band = (
            f' <span class="band band-level-{escape(str(measure.band_level))}">'
            f"{escape(measure.band_label)}</span>"
        )
    latest = f"<strong>{escape(score(measure.latest))}</strong>"
    return f"<li>{name} {latest}{band} {measure.sparkline_svg}</li>"


def _status(row: CaseloadRow) -> str:
    if row.status:
        pill = (
            f'<span class="status-pill status-{escape(row.status)}">'
            f"{escape(status_label(row.status))}</span>"
        )
    elif row.open:
        pill = f'<span class="status-pill">{escape(gettext("No measures yet"))}</span>'
    else:
        pill = _muted(gettext("Ended"))
    reason = f' <p class="reason">{escape(row.reason)}</p>' if row.reason else ""
    return pill + reason


def _alerts(row: CaseloadRow) -> str:
    if not row.open_alerts:
        return _muted(gettext("none"))
    words = ngettext("%(n)s open", "%(n)s open", row.open_alerts) % {"n": row.open_alerts}
    return f'<span class="badge {"risk" if row.risk else "warn"}">{escape(words)}</span>'


def caseload_rows_html(rows: Sequence[CaseloadRow], *, show_therapist: bool) -> str:
    labels = {
        key: escape(gettext(words))
        for key, words in (
            ("therapist", "Therapist"),
            ("status", "Status"),
            ("measures", "Measures"),
            ("alerts", "Alerts"),
            ("since", "Since last measure"),
            ("next", "Next appointment"),
        )
    }
    risk_badge = (
        f' <span class="badge risk">{RISK_ICON} {escape(gettext("risk item endorsed"))}</span>'
    )
    ended_badge = f' <span class="badge ended">{escape(gettext("ended"))}</span>'
    no_measures = f'<li class="muted">{escape(gettext("no measures yet"))}</li>'
    html = []
    for row in rows:
        css = f"{'has-risk ' if row.risk else ''}status-{escape(row.status or 'none')}"
        therapist = (
            f'<td data-label="{labels["therapist"]}">{escape(row.therapist_name)}</td>'
            if show_therapist
            else ""
        )
        measures = "".join(_measure(m) for m in row.measures) or no_measures
        since = _muted("—") if row.days_since_assessment is None else escape(row.since_last_measure)
        upcoming = (
            escape(day_time(row.next_appointment))
            if row.next_appointment
            else _muted(gettext("none booked"))
        )
        html.append(
            f'<tr class="{css}"><th scope="row"><a href="{escape(row.url)}">'
            f"{escape(row.client.display_name)}</a>"
            f"{risk_badge if row.risk else ''}{'' if row.open else ended_badge}</th>{therapist}"
            f'<td class="status-cell" data-label="{labels["status"]}">{_status(row)}</td>'
            f'<td class="measures-cell" data-label="{labels["measures"]}">'
            f'<ul class="row-measures">{measures}</ul></td>'
            f'<td class="fact" data-label="{labels["alerts"]}">{_alerts(row)}</td>'
            f'<td class="fact" data-label="{labels["since"]}">{since}</td>'
            f'<td class="fact" data-label="{labels["next"]}">{upcoming}</td></tr>'
        )
    return "".join(html)


@register.simple_tag
def caseload_rows(rows: Sequence[CaseloadRow], role: str) -> SafeString:
    """The `<tr>` of each row; a supervisor's table has the therapist column."""
    return SafeString(caseload_rows_html(rows, show_therapist=role != "therapist"))  # nosec B703
