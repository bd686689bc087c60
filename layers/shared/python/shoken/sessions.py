"""Signed cookies: sessions, sign-ins in progress and terminal bindings, as HS256 JWTs (RFC 7519).

A JWT proves who the caller claims to be; the server-side session record (db/sessions.py) decides
whether that session still lives, so logout, lock and suspension take effect on the next request.

The tokens are signed and verified here with hmac and hashlib, which every function has loaded
anyway: importing PyJWT loads its JWK, key-fetching client and every algorithm at each cold start
(issue 19), for the one algorithm shoken uses. Only HS256 is accepted (never "none", never an
algorithm the header picks); tests/unit/test_sessions_and_cursors.py checks the tokens against
PyJWT in both directions, so they stay standard JWTs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shoken.clock import epoch
from shoken.errors import SessionExpired, Unauthenticated

ALGORITHM = "HS256"
# The header every token carries, serialized as PyJWT does (sorted keys, no spaces).
_HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
_HEADER_TEXT = _HEADER.decode()
REQUIRED_CLAIMS = ("exp", "iat", "typ")
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


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _unb64(part: str) -> bytes:
    """base64url without padding (RFC 7515 §2); anything else is a ValueError."""
    if not part.isascii():
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except binascii.Error as error:
        raise ValueError("not base64url") from error


def _sign(key: bytes, signing_input: bytes) -> bytes:
    return hmac.new(key, signing_input, hashlib.sha256).digest()


def encode(key: bytes, typ: str, claims: dict[str, Any], *, now: datetime, lifetime: timedelta) -> str:
    payload = {**claims, "typ": typ, "iat": epoch(now), "exp": epoch(now + lifetime)}
    signing_input = _HEADER + b"." + _b64(json.dumps(payload, separators=(",", ":")).encode())
    return (signing_input + b"." + _b64(_sign(key, signing_input))).decode()


def _verified_claims(key: bytes, token: str) -> dict[str, Any]:
    """The claims of `token` if it is an HS256 JWT signed with `key`; ValueError otherwise."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a JWS compact serialization")
    header_part, payload_part, signature_part = parts
    # The algorithm is ours, not the token's: a header naming any other (or "none") is refused, and so
    # is one with critical extensions this code does not implement (RFC 7515 §4.1.11). The header this
    # module writes is known without decoding it again.
    if header_part != _HEADER_TEXT:
        header = json.loads(_unb64(header_part))
        if not isinstance(header, dict) or header.get("alg") != ALGORITHM or "crit" in header:
            raise ValueError("algorithm not allowed")
    expected = _sign(key, f"{header_part}.{payload_part}".encode("ascii"))
    if not hmac.compare_digest(expected, _unb64(signature_part)):
        raise ValueError("bad signature")
    claims = json.loads(_unb64(payload_part))
    if not isinstance(claims, dict) or any(name not in claims for name in REQUIRED_CLAIMS):
        raise ValueError("claims missing")
    if not isinstance(claims["exp"], int) or isinstance(claims["exp"], bool):
        raise ValueError("exp is not a NumericDate")
    return claims


def decode(key: bytes, typ: str, token: str, *, now: datetime) -> dict[str, Any]:
    """Verify signature, algorithm, expiry and kind; any doubt is 'not signed in'."""
    try:
        claims = _verified_claims(key, token)
    except (ValueError, UnicodeError) as error:  # json.JSONDecodeError is a ValueError
        raise Unauthenticated() from error
    if claims.get("typ") != typ:
        raise Unauthenticated()
    # Expiry is checked against the injectable clock, not the wall clock, so tests can move time.
    if int(claims["exp"]) <= epoch(now):
        raise SessionExpired()
    return claims
