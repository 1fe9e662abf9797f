from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from strides.accounts.models import User
from strides.reports.audiences import Audience
from strides.reports.selectors import report_episode
from strides.reports.services import report_create


class Command(BaseCommand):
    help = (
        "Write an episode's PDF progress report for one audience, as the named user (the "
        "same access rule as the page, audited as a disclosure)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--episode", type=int, required=True, help="the episode's number")
        parser.add_argument(
            "--audience", choices=[a.value for a in Audience], required=True, help="who it is for"
        )
        parser.add_argument("--out", type=Path, required=True, help="the PDF file to write")
        parser.add_argument(
            "--user", required=True, help="the staff account making it (its access applies)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active account {options['user']!r}.")
        audience = Audience(options["audience"])
        try:
            episode = report_episode(actor=actor, episode_id=options["episode"], audience=audience)
        except Http404:
            raise CommandError(
                f"{actor.username} cannot make a {audience} report of episode "
                f"{options['episode']} (no such episode, or not theirs to read)."
            ) from None
        pdf = report_create(actor=actor, episode=episode, audience=audience)
        out: Path = options["out"]
        out.write_bytes(pdf)
        self.stdout.write(
            f"Wrote {out} ({len(pdf):,} bytes, {audience} report of episode {episode.pk})."
        )
