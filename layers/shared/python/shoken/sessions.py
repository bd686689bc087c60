"""Signed cookies: sessions, sign-ins in progress and terminal bindings, as HS256 JWTs (PyJWT).

A JWT proves who the caller claims to be; the server-side session record (db/sessions.py) decides
whether that session still lives, so logout, lock and suspension take effect on the next request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from shoken.clock import epoch
from shoken.errors import SessionExpired, Unauthenticated

ALGORITHM = "HS256"
APPS = ("admin", "merchant", "wallet")


@dataclass(frozen=True)
class CookieSpec:
    secure: bool

    def name(self, kind: str) -> str:
        # The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and Path=/.
        return f"__Host-shoken_{kind}" if self.secure else f"shoken_{kind}"

    def set(self, kind: str, value: str, max_age: int) -> str:
        parts = [f"{self.name(kind)}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Strict"]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)

    def clear(self, kind: str) -> str:
        return self.set(kind, "", 0)


def new_id(nbytes: int = 16) -> str:
    return secrets.token_urlsafe(nbytes)


def encode(key: bytes, typ: str, claims: dict[str, Any], *, now: datetime, lifetime: timedelta) -> str:
    payload = {**claims, "typ": typ, "iat": epoch(now), "exp": epoch(now + lifetime)}
    return jwt.encode(payload, key, algorithm=ALGORITHM)


def decode(key: bytes, typ: str, token: str, *, now: datetime) -> dict[str, Any]:
    """Verify signature, algorithm, expiry and kind; any doubt is 'not signed in'."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "typ"], "verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.InvalidTokenError as error:
        raise Unauthenticated() from error
    if claims.get("typ") != typ:
        raise Unauthenticated()
    # Expiry is checked against the injectable clock, not the wall clock, so tests can move time.
    if int(claims["exp"]) <= epoch(now):
        raise SessionExpired()
    return claims
