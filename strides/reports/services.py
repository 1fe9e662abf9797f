"""Producing reports and exports: each is a disclosure, audited with ids and codes."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from strides.accounts.models import User
from strides.audit.models import Outcome
from strides.audit.services import audit_record
from strides.clients.models import Episode
from strides.reports.audiences import Audience
from strides.reports.content import report_content
from strides.reports.pdf import html_to_pdf


def report_html(*, episode: Episode, audience: Audience) -> str:
    content = report_content(episode=episode, audience=audience)
    return render_to_string(
        "reports/report.html", {"report": content, "lang": translation.get_language() or "en"}
    )


def report_create(*, actor: User, episode: Episode, audience: Audience) -> bytes:
    """The PDF progress report of an episode the actor may read (`report_episode`), for
    one audience, with its disclosure audited (episode, audience and size; no content)."""
    pdf = html_to_pdf(report_html(episode=episode, audience=audience))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="report.disclose",
            client=episode.client,
            obj=episode,
            detail={"audience": str(audience), "episode": episode.pk, "bytes": len(pdf)},
        )
    return pdf


def export_record(*, actor: User, kind: str, scope: str) -> None:
    """Audit a CSV export before its first row is sent."""
    audit_record(actor=actor, action="export.csv", detail={"kind": kind, "scope": scope})


def export_refused(*, actor: User, kind: str, scope: str) -> None:
    """Audit a clinic export refused for want of two-factor or a recent sign-in."""
    audit_record(
        actor=actor,
        action="export.csv",
        outcome=Outcome.DENIED,
        detail={"kind": kind, "scope": scope},
    )
