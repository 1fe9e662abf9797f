"""The backup file: a header line, a JSON description, then the database dump.

    STRIDES-BACKUP 1
    {"engine": "sqlite", "created_at": "...", "manifest": {...}, "encryption": ...}
    <dump bytes: an SQLite database file, or a pg_dump custom-format archive;
     a Fernet token of them when encrypted>

The manifest holds, per table, the row count and a SHA-256 of its rows: `strides restore`
checks the restored database against it. It names tables and counts, never content.
Encryption is Fernet (AES-128-CBC with HMAC-SHA256) under a key given as a Fernet key file
or derived from a passphrase with scrypt; a wrong passphrase or a changed byte fails the
HMAC, so nothing half-decrypted is ever restored. Pure code: no Django.
"""

import base64
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"STRIDES-BACKUP 1\n"
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1


class BackupFileError(ValueError):
    """The file is not a Strides backup, or cannot be decrypted with what was given."""


@dataclass(frozen=True)
class Secret:
    """How to encrypt or decrypt: a passphrase, a Fernet key, or neither (plain)."""

    passphrase: str = ""
    key: bytes = b""

    @property
    def given(self) -> bool:
        return bool(self.passphrase or self.key)


@dataclass
class Backup:
    engine: str
    created_at: str
    manifest: dict[str, dict[str, Any]]
    dump: bytes
    encryption: dict[str, Any] | None = field(default=None)


def _passphrase_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    raw = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return base64.urlsafe_b64encode(raw)


def write_backup(path: Path, backup: Backup, secret: Secret) -> None:
    """Write the file at mode 0600, complete or not at all (a temporary file renamed)."""
    header: dict[str, Any] = {
        "engine": backup.engine,
        "created_at": backup.created_at,
        "manifest": backup.manifest,
        "encryption": None,
    }
    payload = backup.dump
    if secret.passphrase:
        salt = secrets.token_bytes(16)
        header["encryption"] = {
            "kind": "passphrase",
            "kdf": "scrypt",
            "salt": base64.b64encode(salt).decode("ascii"),
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
        }
        key = _passphrase_key(secret.passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        payload = Fernet(key).encrypt(payload)
    elif secret.key:
        header["encryption"] = {"kind": "key"}
        payload = Fernet(secret.key).encrypt(payload)
    temporary = path.with_name(f".{path.name}.partial")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(MAGIC)
        handle.write(json.dumps(header, sort_keys=True).encode("utf-8") + b"\n")
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def read_backup(path: Path, secret: Secret) -> Backup:
    data = path.read_bytes()
    if not data.startswith(MAGIC):
        raise BackupFileError(f"{path} is not a Strides backup (made by `strides backup`).")
    header_line, _newline, payload = data[len(MAGIC) :].partition(b"\n")
    try:
        header = json.loads(header_line)
    except ValueError:
        raise BackupFileError(f"{path}: the backup's description is damaged.") from None
    encryption = header.get("encryption")
    if encryption is not None:
        if encryption["kind"] == "passphrase":
            if not secret.passphrase:
                raise BackupFileError(
                    f"{path} is encrypted with a passphrase; give it with --passphrase-file."
                )
            salt = base64.b64decode(encryption["salt"])
            key = _passphrase_key(
                secret.passphrase, salt, encryption["n"], encryption["r"], encryption["p"]
            )
        else:
            if not secret.key:
                raise BackupFileError(f"{path} is encrypted with a key; give it with --key-file.")
            key = secret.key
        try:
            payload = Fernet(key).decrypt(payload)
        except InvalidToken:
            raise BackupFileError(
                f"{path} cannot be decrypted: wrong passphrase or key, or the file was changed."
            ) from None
    return Backup(
        engine=header["engine"],
        created_at=header["created_at"],
        manifest=header["manifest"],
        dump=payload,
        encryption=encryption,
    )


def read_secret(*, passphrase_file: str | None, key_file: str | None) -> Secret:
    """The first line of the passphrase file, or the Fernet key in the key file."""
    if passphrase_file and key_file:
        raise BackupFileError("Give either --passphrase-file or --key-file, not both.")
    if passphrase_file:
        passphrase = Path(passphrase_file).read_text(encoding="utf-8").splitlines()[0].strip()
        if len(passphrase) < 12:
            raise BackupFileError("The backup passphrase must be at least 12 characters.")
        return Secret(passphrase=passphrase)
    if key_file:
        key = Path(key_file).read_bytes().strip()
        try:
            Fernet(key)
        except ValueError:
            raise BackupFileError(f"{key_file} does not hold a Fernet key.") from None
        return Secret(key=key)
    return Secret()
