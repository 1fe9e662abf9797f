from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from strides.backups.archive import BackupFileError, read_backup, read_secret
from strides.backups.database import RestoreRefused, current_manifest, load_snapshot


class Command(BaseCommand):
    help = (
        "Restore a backup made by `strides backup` into an EMPTY database (a new var folder "
        "or a new PostgreSQL database), then check every table's row count and content hash "
        "against the backup. Put the key files in place before starting the app."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--passphrase-file", help="the passphrase it was encrypted with")
        parser.add_argument("--key-file", help="the Fernet key it was encrypted with")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            secret = read_secret(
                passphrase_file=options["passphrase_file"], key_file=options["key_file"]
            )
            backup = read_backup(Path(options["file"]), secret)
            load_snapshot(backup.dump, backup.engine)
            restored = current_manifest()
        except (BackupFileError, RestoreRefused, OSError) as error:
            raise CommandError(str(error)) from None
        different = sorted(
            table
            for table in backup.manifest.keys() | restored.keys()
            if backup.manifest.get(table) != restored.get(table)
        )
        if different:
            raise CommandError(
                f"The restored database differs from the backup in {len(different)} table(s): "
                f"{', '.join(different)}."
            )
        rows = sum(table["rows"] for table in restored.values())
        self.stdout.write(
            f"Restored the backup of {backup.created_at}: {len(restored)} tables, {rows} rows; "
            "row counts and content hashes equal the backup's."
        )
