from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from strides.audit.checkpoints import CheckpointFileError, checkpoint_file
from strides.audit.keys import audit_key_add
from strides.audit.services import audit_record
from strides.audit.verify import ChainBroken, chain_checkpoint, verify_chain
from strides.lib.encryption import KeyConfigurationError


class Command(BaseCommand):
    help = (
        "Audit trail tools. `strides audit verify` checks the HMAC chain against the audit "
        "key and every checkpoint; `strides audit checkpoint` appends the verified head to "
        "the checkpoint file and prints it (run it daily); `strides audit add-key` puts a "
        "fresh audit key first in the audit key file (older keys stay, to verify old events)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "add-key"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            match options["action"]:
                case "verify":
                    self._verify()
                case "checkpoint":
                    checkpoint = chain_checkpoint()
                    self.stdout.write(f"strides audit checkpoint {checkpoint.line()}")
                case "add-key":
                    fingerprint = audit_key_add()
                    audit_record(
                        actor=None,
                        actor_label="cli",
                        action="audit.key_add",
                        detail={"fingerprint": fingerprint},
                    )
                    self.stdout.write(
                        f"Added audit key {fingerprint}; new events are signed with it. "
                        "Restart every Strides process. Keep the older keys: old events "
                        "verify with them."
                    )
        except (ChainBroken, CheckpointFileError, KeyConfigurationError) as error:
            raise CommandError(str(error)) from None

    def _verify(self) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN after {report.checked} good events: {report.problem}"
            )
        self.stdout.write(
            f"Audit chain intact: {report.checked} events verified against the audit key "
            f"and {report.checkpoints} checkpoint(s) in {checkpoint_file()}."
        )
