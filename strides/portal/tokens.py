"""Link tokens and kiosk codes: random, shown once, stored only as SHA-256 hashes."""

import hashlib
import secrets

# 32 bytes = 256 bits of randomness, URL-safe.
TOKEN_BYTES = 32
# Kiosk codes avoid letters and digits that look alike (0/O, 1/I/L).
KIOSK_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
KIOSK_LENGTH = 6


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_kiosk_code() -> str:
    return "".join(secrets.choice(KIOSK_ALPHABET) for _ in range(KIOSK_LENGTH))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def kiosk_hash(code: str) -> str:
    return token_hash("kiosk:" + code.strip().upper().replace(" ", ""))
