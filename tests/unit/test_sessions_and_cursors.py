"""Signed cookies and cursors refuse tampering: altered, expired, wrong kind, alg none (SPEC §7)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from shoken import sessions
from shoken.db import paging
from shoken.errors import SessionExpired, Unauthenticated

KEY = b"k" * 48
NOW = datetime(2026, 11, 29, 3, tzinfo=UTC)


def token(**claims: object) -> str:
    return sessions.encode(KEY, "session", {"sub": "1", **claims}, now=NOW, lifetime=timedelta(minutes=30))


def test_a_valid_token_decodes() -> None:
    assert sessions.decode(KEY, "session", token(), now=NOW)["sub"] == "1"


def test_expired_altered_foreign_and_unsigned_tokens_are_refused() -> None:
    with pytest.raises(SessionExpired):
        sessions.decode(KEY, "session", token(), now=NOW + timedelta(minutes=31))
    header, payload, signature = token().split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["sub"] = "2"
    altered = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    with pytest.raises(Unauthenticated):
        sessions.decode(KEY, "session", f"{header}.{altered}.{signature}", now=NOW)
    with pytest.raises(Unauthenticated):
        sessions.decode(b"x" * 48, "session", token(), now=NOW)
    with pytest.raises(Unauthenticated):
        sessions.decode(KEY, "terminal", token(), now=NOW)  # a session cookie is not a terminal binding
    unsigned = jwt.encode({"sub": "1", "typ": "session", "iat": 0, "exp": 9_999_999_999}, key=None, algorithm="none")
    with pytest.raises(Unauthenticated):
        sessions.decode(KEY, "session", unsigned, now=NOW)
    with pytest.raises(Unauthenticated):
        sessions.decode(KEY, "session", "not-a-jwt", now=NOW)


def test_tokens_are_standard_hs256_jwts_both_ways() -> None:
    # Given a token signed here, When PyJWT (the reference implementation) verifies it, Then it agrees
    ours = token(role="store_manager")
    assert jwt.get_unverified_header(ours) == {"alg": "HS256", "typ": "JWT"}
    verified = jwt.decode(ours, KEY, algorithms=["HS256"], options={"verify_exp": False})  # NOW is in the past
    assert verified["role"] == "store_manager" and verified["exp"] - verified["iat"] == 1800
    # Given a token PyJWT signed with the same key, When decoded here, Then it is accepted
    theirs = jwt.encode({"sub": "7", "typ": "session", "iat": 0, "exp": 9_999_999_999}, KEY, algorithm="HS256")
    assert sessions.decode(KEY, "session", theirs, now=NOW)["sub"] == "7"


def test_only_hs256_without_extensions_is_accepted() -> None:
    claims = {"sub": "1", "typ": "session", "iat": 0, "exp": 9_999_999_999}
    # The same key and claims under another algorithm, or with a critical extension, are refused.
    for refused in (
        jwt.encode(claims, KEY, algorithm="HS512"),
        jwt.encode(claims, KEY, algorithm="HS384"),
        jwt.encode(claims, KEY, algorithm="HS256", headers={"crit": ["exp"]}),
        jwt.encode({**claims, "exp": "9999999999"}, KEY, algorithm="HS256"),  # exp not a NumericDate
        jwt.encode({"sub": "1", "typ": "session", "exp": 9_999_999_999}, KEY, algorithm="HS256"),  # no iat
    ):
        with pytest.raises(Unauthenticated):
            sessions.decode(KEY, "session", refused, now=NOW)
    header, payload, signature = token().split(".")
    for mangled in (f"{header}.{payload}.{signature}.x", f"{header}.{payload}.{signature}!", f"{header}.{payload}.ｓ"):
        with pytest.raises(Unauthenticated):
            sessions.decode(KEY, "session", mangled, now=NOW)


def test_cookie_attributes() -> None:
    spec = sessions.CookieSpec(secure=True)
    cookie = spec.set("admin", "v", 1800)
    assert (
        cookie.startswith("__Host-shoken_admin=v")
        and "HttpOnly" in cookie
        and "Secure" in cookie
        and "SameSite=Strict" in cookie
    )
    assert "Max-Age=0" in spec.clear("admin")


def test_cursor_is_bound_to_its_search_and_cannot_be_edited() -> None:
    state = {"p": 1, "k": {"PK": {"S": "USERS#1"}}}
    cursor = paging.encode_cursor(KEY, "search-a", state)
    assert paging.decode_cursor(KEY, "search-a", cursor) == state
    with pytest.raises(paging.BadCursor):
        paging.decode_cursor(KEY, "search-b", cursor)
    _, _, mac = cursor.partition(".")
    edited = base64.urlsafe_b64encode(json.dumps({"s": "search-a", "p": 0, "k": None}).encode()).decode()
    with pytest.raises(paging.BadCursor):
        paging.decode_cursor(KEY, "search-a", f"{edited}.{mac}")
    assert paging.decode_cursor(KEY, "search-a", None) is None
