"""Password hashing (scrypt, memory-hard, from the standard library) and the password rules."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from shoken.errors import DomainError, InvalidRequest

# n=2^15, r=8 needs 32 MiB and ~60 ms per hash on a Lambda core: costly to guess at scale, cheap
# enough for a sign-in. Parameters are stored with each hash so they can be raised later.
DEFAULT_LOG_N = 15
_R = 8
_P = 1

HALF_WIDTH = re.compile(r"^[\x21-\x7e]+$")


class WeakPassword(DomainError, InvalidRequest):
    """Too short, not half-width, or without both letters and digits (facts: minimum)."""

    code = "weak_password"

    def __init__(self, minimum: int = 8) -> None:
        super().__init__(minimum=minimum)


class PasswordIsLoginId(WeakPassword):
    variant = "login_id"


class CommonPassword(WeakPassword):
    variant = "common"


class PasswordMismatch(DomainError, InvalidRequest):
    code = "password_mismatch"


def hash_password(password: str, *, log_n: int = DEFAULT_LOG_N) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, log_n)
    return f"scrypt${log_n}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None, *, dummy_log_n: int = DEFAULT_LOG_N) -> bool:
    if not stored:
        # Spend the same time as a real check, so timing does not tell whether the user exists.
        _scrypt(password, b"0" * 16, dummy_log_n)
        return False
    try:
        scheme, log_n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt" or int(r) != _R or int(p) != _P:
        return False
    candidate = _scrypt(password, _unb64(salt), int(log_n))
    return hmac.compare_digest(candidate, _unb64(digest))


def verify_user(user: Mapping[str, Any], password: str, *, log_n: int = DEFAULT_LOG_N) -> bool:
    """Check a user's password. A user still on the initial password (= login ID, as the manual
    sets it) has no hash: that password is no secret, so it is compared directly, in the same time."""
    stored = user.get("password_hash")
    if stored:
        return verify_password(password, str(stored))
    _scrypt(password, b"0" * 16, log_n)
    initial = bool(user.get("must_change_password")) and bool(user.get("login_id"))
    return initial and hmac.compare_digest(password.encode(), str(user["login_id"]).encode())


def _scrypt(password: str, salt: bytes, log_n: int) -> bytes:
    n = 1 << log_n
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=_R, p=_P, maxmem=n * _R * 130 + 1024 * 1024, dklen=32)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files("shoken").joinpath("data/common_passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_admin_password(password: str, confirm: str, login_id: str) -> None:
    """Console rule (manual): at least 8 half-width characters mixing letters and digits."""
    _check(password, confirm, login_id, minimum=8)


def check_staff_password(password: str, confirm: str, login_id: str) -> None:
    """Merchant app rule (manual): at least 12 characters."""
    _check(password, confirm, login_id, minimum=12)


def _check(password: str, confirm: str, login_id: str, *, minimum: int) -> None:
    if password != confirm:
        raise PasswordMismatch()
    if (
        len(password) < minimum
        or len(password) > 128
        or not HALF_WIDTH.match(password)
        or not re.search(r"[A-Za-z]", password)
        or not re.search(r"[0-9]", password)
    ):
        raise WeakPassword(minimum)
    if password.lower() == login_id.lower():
        raise PasswordIsLoginId()
    if password.lower() in common_passwords():
        raise CommonPassword()
