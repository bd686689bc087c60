"""Replay and tamper through the real handlers: session cookies altered, unsigned (alg none), expired,
revoked or replayed on another app; CSRF tokens from another session (issue 9)."""

from __future__ import annotations

import base64
import json

import jwt

from shoken.clock import FrozenClock
from tests.integration.conftest import City, console_login, wallet_login
from tests.support.client import Client

COOKIE = "__Host-shoken_admin"


def with_cookie(value: str, csrf: str | None = None) -> Client:
    return Client("admin", cookies={COOKIE: value}, csrf=csrf)


def test_altered_unsigned_expired_revoked_and_foreign_cookies_are_refused(city: City, clock: FrozenClock) -> None:
    admin = console_login("ena-0001")
    cookie = admin.cookies[COOKIE]
    header, payload, signature = cookie.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))

    promoted = dict(claims, role="system_admin")
    forged = base64.urlsafe_b64encode(json.dumps(promoted).encode()).decode().rstrip("=")
    assert with_cookie(f"{header}.{forged}.{signature}").get("/api/auth/me").status == 401  # altered claims
    assert (
        with_cookie(f"{header}.{payload}.{signature[:-4]}AAAA").get("/api/auth/me").status == 401
    )  # altered signature
    unsigned = jwt.encode(promoted, key=None, algorithm="none")
    assert with_cookie(unsigned).get("/api/auth/me").status == 401  # alg: none
    assert with_cookie("x" * 40).get("/api/auth/me").status == 401

    # The same cookie on another app's header: not a session there.
    foreign = Client("wallet", cookies={"__Host-shoken_wallet": cookie})
    assert foreign.get("/api/auth/me").status == 401
    # A citizen's cookie on the console's header.
    citizen = wallet_login("resident@example.jp")
    assert Client("admin", cookies={COOKIE: citizen.cookies["__Host-shoken_wallet"]}).get("/api/auth/me").status == 401

    # A CSRF token of another session of the same user does not pass.
    other = console_login("ena-0001")
    mixed = Client("admin", cookies=dict(admin.cookies), csrf=other.csrf)
    assert mixed.post("/api/auth/logout").code == "csrf_rejected"

    # Revoked: logged out elsewhere, the old cookie (replayed) is dead.
    replay = dict(admin.cookies)
    admin.post("/api/auth/logout")
    assert Client("admin", cookies=replay, csrf=admin.csrf).get("/api/auth/me").status == 401

    # Expired: idle longer than the timeout.
    clock.advance(minutes=31)
    assert other.get("/api/auth/me").code == "session_expired"
