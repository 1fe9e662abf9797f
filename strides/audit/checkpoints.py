"""Checkpoints of the audit chain, kept in a file outside the database.

Each line records the chain's head at one moment (time, event count, last event id and
its hash) as JSON. A database writer can wipe the trail or drop its newest events and
restore an old head, but cannot change what an earlier checkpoint recorded; `strides
audit verify` checks the chain against every line.
"""

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings


class CheckpointFileError(ValueError):
    """The checkpoint file cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Checkpoint:
    at: str
    count: int
    last_id: int
    hash: str

    def line(self) -> str:
        return json.dumps(asdict(self), separators=(", ", ": "))


def checkpoint_file() -> Path:
    return Path(settings.STRIDES_AUDIT_CHECKPOINT_FILE)


def read_checkpoints(path: Path) -> list[Checkpoint]:
    """Every checkpoint in the file, oldest first; none when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointFileError(f"checkpoint file {path} cannot be read: {error}") from None
    checkpoints = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
            checkpoint = Checkpoint(
                at=str(fields["at"]),
                count=int(fields["count"]),
                last_id=int(fields["last_id"]),
                hash=str(fields["hash"]),
            )
        except (ValueError, TypeError, KeyError):
            raise CheckpointFileError(
                f"checkpoint file {path}, line {number}: not a checkpoint line"
            ) from None
        checkpoints.append(checkpoint)
    return checkpoints


def append_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Add one line to the file (created at mode 0600) and flush it to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(checkpoint.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
