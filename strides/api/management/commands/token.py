from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from strides.accounts.models import User
from strides.api.selectors import tokens_of
from strides.api.services import token_create, token_revoke


class Command(BaseCommand):
    help = (
        "Personal access tokens for the API. `strides token create --user NAME [--write]` "
        "prints a new token once, on its own line; `strides token list --user NAME`; "
        "`strides token revoke --user NAME ID`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("--user", required=True)
        create.add_argument("--write", action="store_true", help="read-write (default read)")
        create.add_argument("--name", default="command line")
        create.add_argument("--days", type=int, default=settings.STRIDES_API_TOKEN_DAYS)
        listing = sub.add_parser("list", help="list a user's tokens")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="revoke one of a user's tokens")
        revoke.add_argument("--user", required=True)
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active account named {options['user']!r}.")
        if options["action"] == "create":
            try:
                token, raw = token_create(
                    actor=user,
                    user=user,
                    name=options["name"],
                    write=options["write"],
                    days=options["days"],
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stdout.write(raw)
            self.stderr.write(
                f"Token {token.pk} ({token.scope}) for {user.username}, valid until "
                f"{token.expires_at:%Y-%m-%d}. It is not shown again."
            )
            return
        if options["action"] == "list":
            for token in tokens_of(user=user):
                state = "revoked" if token.revoked_at else f"expires {token.expires_at:%Y-%m-%d}"
                self.stdout.write(
                    f"{token.pk:5} {token.prefix}... {token.scope:5} {state}  {token.name}"
                )
            return
        found = tokens_of(user=user).filter(pk=options["token_id"]).first()
        if found is None:
            raise CommandError(f"{user.username} has no token {options['token_id']}.")
        token_revoke(actor=user, token=found)
        self.stdout.write(f"Token {found.pk} revoked.")
