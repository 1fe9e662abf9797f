"""`strides invite create --episode ID --instruments phq9,gad7 [--goals]`: create an
invitation and print its absolute link (built from STRIDES_BASE_URL)."""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from strides.clients.models import Episode
from strides.portal.services import invitation_create


class Command(BaseCommand):
    help = "Create a client portal invitation and print its link."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create an invitation and print its link")
        create.add_argument("--episode", type=int, required=True)
        create.add_argument("--instruments", default="", help="comma-separated, e.g. phq9,gad7")
        create.add_argument("--goals", action="store_true", help="also ask for goal ratings")
        create.add_argument(
            "--email", action="store_true", help="also email it to the client's address"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        episode = Episode.objects.select_related("client").filter(pk=options["episode"]).first()
        if episode is None:
            raise CommandError(f"No episode {options['episode']}.")
        try:
            new = invitation_create(
                actor=None,
                episode=episode,
                instruments=[c for c in options["instruments"].split(",") if c.strip()],
                include_goals=options["goals"],
                send_email=options["email"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(new.link)
