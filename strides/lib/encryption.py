"""Application-level encryption of free text (session notes and the like).

Keys live outside the database: in an environment variable (comma-separated Fernet keys,
newest first) or in a key file with mode 0600 (one key a line, newest first, `#` starts
a comment). The newest key encrypts; every key decrypts, so rotation is:

1. `add_key_to_file(path)` puts a fresh key first; restart so every process loads it.
2. Re-encrypt each stored value with `KeyRing.rotate` (skip those where
   `KeyRing.needs_rotation` is false).
3. Once no value needs the old keys, `retire_old_keys(path)` drops them.

Encrypted values are text: `ENCRYPTED_PREFIX` followed by a Fernet token (AES-128-CBC with
HMAC-SHA256). The prefix names the scheme so a later one can be told apart.
"""

import fcntl
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

ENCRYPTED_PREFIX = "f1:"

_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}=")
_KEY_FILE_HEADER = (
    "# Strides encryption keys: one a line, newest first. Keep this file at mode 0600,\n"
    "# outside the database, and back it up separately: without it the encrypted text\n"
    "# cannot be read.\n"
)


class KeyConfigurationError(ValueError):
    """The keys cannot be used; the message names the source and what is wrong."""


class DecryptionError(ValueError):
    """A value that no configured key decrypts, or that is not an encrypted value."""


def generate_key() -> str:
    """A fresh random Fernet key, as text."""
    return Fernet.generate_key().decode("ascii")


def key_fingerprint(key: str) -> str:
    """First 8 hex digits of the SHA-256 of the key text: names a key without revealing it.

    The same as `printf %s KEY | sha256sum | cut -c1-8`.
    """
    return hashlib.sha256(key.encode("ascii")).hexdigest()[:8]


def _fernet(key: str, where: str) -> Fernet:
    if not _KEY_PATTERN.fullmatch(key):
        raise KeyConfigurationError(
            f"{where}: not a valid Fernet key (expected 44 characters of url-safe base64 "
            "ending in '=', as made by generate_key())"
        )
    return Fernet(key)


class KeyRing:
    """The configured keys, newest first; encrypts with the newest, decrypts with any."""

    def __init__(self, keys: Sequence[str], *, source: str = "key ring") -> None:
        """`source` names where the keys came from, for error messages."""
        if not keys:
            raise KeyConfigurationError(f"{source} holds no keys")
        self._fernets = [_fernet(key, f"{source}, key {n}") for n, key in enumerate(keys, 1)]
        self._multi = MultiFernet(self._fernets)
        self._fingerprint = key_fingerprint(keys[0])

    def __repr__(self) -> str:
        return f"KeyRing(keys={len(self._fernets)}, primary={self._fingerprint})"

    def fingerprint(self) -> str:
        """Fingerprint of the newest key, the one that encrypts (see `key_fingerprint`)."""
        return self._fingerprint

    def encrypt(self, text: str) -> str:
        return ENCRYPTED_PREFIX + self._multi.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The text inside `token`; `DecryptionError` unless a configured key verifies it."""
        try:
            return self._multi.decrypt(self._fernet_token(token)).decode("utf-8")
        except InvalidToken:
            raise DecryptionError(
                "no configured key decrypts this value (was its key retired or replaced?)"
            ) from None

    def rotate(self, token: str) -> str:
        """`token` re-encrypted with the newest key (its original timestamp kept)."""
        try:
            rotated = self._multi.rotate(self._fernet_token(token))
        except InvalidToken:
            raise DecryptionError(
                "no configured key decrypts this value, so it cannot be rotated"
            ) from None
        return ENCRYPTED_PREFIX + rotated.decode("ascii")

    def needs_rotation(self, token: str) -> bool:
        """True unless the newest key verifies `token` (an HMAC check, no decryption).

        True also for a token no key fits; `rotate` then raises `DecryptionError`.
        """
        try:
            self._fernets[0].extract_timestamp(self._fernet_token(token))
        except InvalidToken:
            return True
        return False

    @staticmethod
    def _fernet_token(token: str) -> bytes:
        if not token.startswith(ENCRYPTED_PREFIX):
            raise DecryptionError(
                f"not an encrypted value: it does not start with {ENCRYPTED_PREFIX}"
            )
        try:
            return token[len(ENCRYPTED_PREFIX) :].encode("ascii")
        except UnicodeEncodeError:
            raise DecryptionError("not an encrypted value: it contains non-ASCII text") from None


def load_keys(
    *, env_value: str | None, key_file: Path | None, env_name: str = "environment variable"
) -> KeyRing:
    """Keys from exactly one source: an environment variable's value or a key file.

    `env_value` holds Fernet keys, newest first, separated by commas and/or whitespace.
    `env_name` names the variable in error messages.
    """
    if env_value is not None and key_file is not None:
        raise KeyConfigurationError(
            f"encryption keys are configured twice ({env_name} and key file {key_file}); "
            "configure exactly one source"
        )
    if env_value is not None:
        return KeyRing(env_keys(env_value, env_name=env_name), source=env_name)
    if key_file is not None:
        return KeyRing(key_file_keys(key_file), source=str(key_file))
    raise KeyConfigurationError(
        "no encryption keys configured: set the keys environment variable or a key file"
    )


def env_keys(value: str, *, env_name: str) -> list[str]:
    """The keys in an environment variable's value: newest first, comma-separated."""
    keys = [part for part in re.split(r"[,\s]+", value) if part]
    if not keys:
        raise KeyConfigurationError(
            f"{env_name} is empty: expected Fernet keys, newest first, separated by commas"
        )
    for n, key in enumerate(keys, 1):
        _fernet(key, f"{env_name}, key {n}")
    return keys


def key_file_keys(path: Path) -> list[str]:
    """The keys in a key file, newest first, after checking its mode and every key."""
    lines = _read_key_file(path)
    return [_key_on(lines[i]) for i in _key_indexes(lines)]


def create_key_file(path: Path, *, header: str = _KEY_FILE_HEADER) -> str:
    """Create `path` (mode 0600) holding one fresh key; return that key's fingerprint.

    Refuses to replace an existing file: its keys may be the only way to read stored text.
    `header` is the comment written above the key.
    """
    key = generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyConfigurationError(
            f"key file {path} already exists; refusing to overwrite it "
            "(add_key_to_file adds a key to it)"
        ) from None
    except OSError as error:
        raise KeyConfigurationError(
            f"key file {path} cannot be created: {error.strerror or error}"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(f"{header}{key}\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink()
        raise
    _fsync_directory(path.parent)
    return key_fingerprint(key)


def create_key_file_once(path: Path, *, header: str = _KEY_FILE_HEADER) -> None:
    """Create the key file unless it exists, safely when several processes start at once.

    One process creates the file while the others wait on a lock file beside it.
    """
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            create_key_file(path, header=header)


def add_key_to_file(path: Path) -> str:
    """Rotation step 1: put a fresh key before the others; return its fingerprint.

    The older keys stay, so values encrypted with them still decrypt.
    """
    lines = _read_key_file(path)
    key = generate_key()
    lines.insert(_key_indexes(lines)[0], key)
    _replace_key_file(path, lines)
    return key_fingerprint(key)


def retire_old_keys(path: Path, keep: int = 1) -> list[str]:
    """Drop all but the newest `keep` keys; return the fingerprints of those dropped.

    Only once every stored value has been rotated: text still encrypted with a dropped
    key can no longer be read. Comment lines stay.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1, not {keep}")
    lines = _read_key_file(path)
    dropped = set(_key_indexes(lines)[keep:])
    if not dropped:
        return []
    _replace_key_file(path, [line for i, line in enumerate(lines) if i not in dropped])
    return [key_fingerprint(_key_on(lines[i])) for i in sorted(dropped)]


def _key_on(line: str) -> str:
    return line.split("#", 1)[0].strip()


def _key_indexes(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if _key_on(line)]


def _read_key_file(path: Path) -> list[str]:
    """The file's lines after checking its mode and every key on it."""
    try:
        with path.open("rb") as handle:
            mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
            if mode & ~0o600:
                raise KeyConfigurationError(
                    f"key file {path} has mode {mode:04o}, wider than 0600 (owner read/write "
                    f"only); refusing to use it. Fix with: chmod 600 {path}"
                )
            data = handle.read()
    except OSError as error:
        raise KeyConfigurationError(
            f"key file {path} cannot be read: {error.strerror or error}"
        ) from None
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise KeyConfigurationError(f"key file {path} is not UTF-8 text") from None
    indexes = _key_indexes(lines)
    if not indexes:
        raise KeyConfigurationError(f"key file {path} holds no keys (only blanks or comments)")
    for i in indexes:
        _fernet(_key_on(lines[i]), f"key file {path}, line {i + 1}")
    return lines


def _replace_key_file(path: Path, lines: list[str]) -> None:
    """Atomically replace the file behind `path`, keeping mode 0600 and its owner."""
    target = path.resolve()
    owner = target.stat()
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")  # 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            current = os.fstat(handle.fileno())
            if (current.st_uid, current.st_gid) != (owner.st_uid, owner.st_gid):
                os.fchown(handle.fileno(), owner.st_uid, owner.st_gid)
            handle.write("".join(f"{line}\n" for line in lines))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
