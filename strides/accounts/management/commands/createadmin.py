import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from strides.accounts.models import Role
from strides.accounts.services import user_create


class Command(BaseCommand):
    help = (
        "Create an admin account (the first one of a new clinic, or another). Applies "
        "pending migrations first, so it works on an empty database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="read the password from this environment variable instead of prompting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if options["password_from_env"]:
            password = os.environ.get(options["password_from_env"], "")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                password=password,
                role=Role.ADMIN,
                email=options["email"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Admin {user.username} created. Sign in at /accounts/login/.")
