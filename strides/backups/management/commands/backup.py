from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from strides.backups.archive import Backup, BackupFileError, read_secret, write_backup
from strides.backups.database import RestoreRefused, engine, take_snapshot


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database to FILE (SQLite online backup, or pg_dump "
        "for PostgreSQL), encrypted when --passphrase-file or --key-file is given. The key "
        "files (encryption.keys, audit.keys, audit.checkpoints) are NOT in it: back them up "
        "separately (docs/operations.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="where to write the backup")
        parser.add_argument("--passphrase-file", help="encrypt with the passphrase in this file")
        parser.add_argument("--key-file", help="encrypt with the Fernet key in this file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            secret = read_secret(
                passphrase_file=options["passphrase_file"], key_file=options["key_file"]
            )
            dump, manifest = take_snapshot()
            backup = Backup(
                engine=engine(),
                created_at=timezone.now().isoformat(),
                manifest=manifest,
                dump=dump,
            )
            write_backup(Path(options["file"]), backup, secret)
        except (BackupFileError, RestoreRefused, OSError) as error:
            raise CommandError(str(error)) from None
        rows = sum(table["rows"] for table in manifest.values())
        self.stdout.write(
            f"Backed up {len(manifest)} tables, {rows} rows ({engine()}) to {options['file']}"
            f" ({'encrypted' if secret.given else 'NOT encrypted'}). The key files are not "
            "in it: back them up separately."
        )
