from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from strides.lib.encryption import DecryptionError, KeyConfigurationError
from strides.notes.rotation import (
    OldKeysStillNeeded,
    encrypted_value_count,
    encryption_key_add,
    encryption_retire,
    encryption_rotate,
)


class Command(BaseCommand):
    help = (
        "Encryption key rotation for notes and other free text. `strides encryption add-key` "
        "puts a fresh key first in the key file (running Strides processes read it at once); "
        "`strides encryption rotate` re-encrypts every stored value with it; `strides "
        "encryption retire` drops the older keys once nothing needs them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("add-key", help="add a fresh key to the key file, first")
        sub.add_parser("rotate", help="re-encrypt every stored value with the newest key")
        sub.add_parser("retire", help="drop the older keys once no value needs them")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            match options["action"]:
                case "add-key":
                    self._add_key()
                case "rotate":
                    self._rotate()
                case "retire":
                    self._retire()
        except (KeyConfigurationError, DecryptionError, OldKeysStillNeeded) as error:
            raise CommandError(str(error)) from None

    def _add_key(self) -> None:
        fingerprint = encryption_key_add(actor_label="cli")
        self.stdout.write(
            f"Added key {fingerprint}. Strides processes reading this key file use it from "
            "their next write; copy the file to app servers on other machines, then run "
            "`strides encryption rotate`."
        )

    def _rotate(self) -> None:
        with tqdm(total=encrypted_value_count(), desc="Re-encrypting", unit="value") as bar:
            result = encryption_rotate(actor_label="cli", advance=bar.update)
        self.stdout.write(
            f"Re-encrypted {result.rotated} values with key {result.fingerprint} "
            f"({result.checked} checked)."
        )

    def _retire(self) -> None:
        retired = encryption_retire(actor_label="cli")
        dropped = ", ".join(retired) if retired else "none"
        self.stdout.write(f"Retired keys: {dropped}. The key file now holds one key.")
