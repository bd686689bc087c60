"""Six-digit email codes: random, stored only as a keyed hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def digest(key: bytes, attempt_id: str, code: str) -> str:
    """Bound to one sign-in attempt and keyed by the server secret, so a leaked table reveals nothing."""
    return hmac.new(key, f"{attempt_id}:{code}".encode(), hashlib.sha256).hexdigest()


def matches(key: bytes, attempt_id: str, code: str, stored: str) -> bool:
    return hmac.compare_digest(digest(key, attempt_id, code), stored)


def fingerprint(key: bytes, text: str) -> str:
    """A keyed hash of an email address or login ID, for throttles that must not store the address."""
    return hmac.new(key, text.lower().encode(), hashlib.sha256).hexdigest()[:32]
