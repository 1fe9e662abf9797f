"""Timing one PDF progress report ("PDF report" in the budget table, ≤ 1.5 s).

`pdf_report_seconds` renders the report of a seeded episode the way the page does
(content from the stored records, the same SVG charts, WeasyPrint to PDF/UA-1), as the
episode's therapist, and returns the best of `repeats` wall-clock times. Run it inside
Django against a loaded network, for example the bench network's client-page case
(three instruments of 40 assessments each):

    from bench.pdf_report import pdf_report_seconds, client_page_episode
    pdf_report_seconds(episode_id=client_page_episode(loaded.client_page_id))
"""

import time

from strides.clients.models import Episode
from strides.reports.audiences import Audience
from strides.reports.selectors import report_episode
from strides.reports.services import report_create


def client_page_episode(client_id: int) -> int:
    """The episode of the bench network's client-page case."""
    return Episode.objects.filter(client_id=client_id).values_list("pk", flat=True).get()


def pdf_report_seconds(
    *, episode_id: int, audience: Audience = Audience.RECORD, repeats: int = 3
) -> float:
    """The best of `repeats` times, in seconds, to make one report of the episode,
    through the access check and the audited disclosure like a download."""
    episode = Episode.objects.select_related("therapist").get(pk=episode_id)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        checked = report_episode(actor=episode.therapist, episode_id=episode_id, audience=audience)
        report_create(actor=episode.therapist, episode=checked, audience=audience)
        best = min(best, time.perf_counter() - started)
    return best
