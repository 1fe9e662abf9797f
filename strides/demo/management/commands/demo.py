import os
import secrets
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from strides.accounts.models import User
from strides.demo.seed import STAFF, reset_demo_passwords, seed_demo


class Command(BaseCommand):
    help = "Seed the synthetic demo clinic into an empty database, then serve Strides."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="HOST:PORT to serve on")
        parser.add_argument("--clients", type=int, default=40, help="number of demo clients")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same clinic)"
        )
        parser.add_argument("--no-serve", action="store_true", help="seed only, do not serve")
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="on an already seeded database, give the demo logins a new password "
            "(STRIDES_DEMO_PASSWORD, or a generated one); audited",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        password = os.environ.get("STRIDES_DEMO_PASSWORD", "") or secrets.token_urlsafe(9)
        logins = ", ".join(f"{username} ({role})" for username, _f, _l, role in STAFF)
        if User.objects.exists():
            if options["reset_passwords"]:
                reset_demo_passwords(password)
                self.stdout.write(
                    f"Demo clinic already seeded; passwords reset. Demo logins: {logins}; "
                    f"password: {password}"
                )
            else:
                self.stdout.write(
                    "Demo clinic already seeded; passwords unchanged (sign in with the one "
                    "printed when it was seeded, or run `strides demo --reset-passwords`)."
                )
        else:
            counts = seed_demo(
                password=password,
                n_clients=options["clients"],
                seed=options["seed"],
                progress=lambda steps: tqdm(steps, desc="Seeding demo clinic", unit="step"),
            )
            summary = ", ".join(f"{value} {key}" for key, value in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo clinic seeded: {summary}."))
            self.stdout.write(f"Demo logins: {logins}; password: {password}")
        if not options["no_serve"]:
            self.stdout.write(f"Open http://{options['addr']}/ in your browser.")
            call_command("serve", addr=options["addr"], skip_migrate=True)
