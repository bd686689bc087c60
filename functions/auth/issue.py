"""Issuing cookies: sessions (after the last sign-in step) and pending sign-ins (between steps)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shoken import api, sessions
from shoken.clock import epoch
from shoken.db import sessions as session_records
from shoken.db.attempts import LIFETIME as ATTEMPT_LIFETIME
from shoken.runtime import Runtime

TERMINAL_BINDING_LIFETIME = timedelta(days=400)


def start_session(
    rt: Runtime,
    *,
    home_pk: str,
    subject: str,
    role: str,
    app: str,
    claims: dict[str, Any],
) -> tuple[str, int]:
    """Create the server-side record and set the session cookie; returns (csrf token, absolute end)."""
    now = rt.clock.now()
    config = rt.config
    session_id = sessions.new_id()
    csrf = sessions.new_id()
    ends = now + timedelta(hours=config.session_max_hours)
    idle = timedelta(minutes=config.session_idle_minutes)
    request = api.current().request
    session_records.create(
        rt.db,
        session_records.record(
            home_pk,
            session_id,
            role=role,
            app=app,
            now=now,
            ends=ends,
            source_ip=request.source_ip,
            user_agent=request.user_agent,
        ),
    )
    token = sessions.encode(
        rt.session_key,
        "session",
        {"sub": subject, "role": role, "sid": session_id, "app": app, "csrf": csrf, "aex": epoch(ends), **claims},
        now=now,
        lifetime=idle,
    )
    cookies = sessions.CookieSpec(config.cookie_secure)
    api.set_cookie(cookies.set(app, token, int(idle.total_seconds())))
    api.set_cookie(cookies.clear(f"pending_{app}"))
    return csrf, epoch(ends)


def pending(rt: Runtime, app: str, attempt_id: str) -> None:
    token = sessions.encode(
        rt.session_key, "pending", {"att": attempt_id, "app": app}, now=rt.clock.now(), lifetime=ATTEMPT_LIFETIME
    )
    api.set_cookie(
        sessions.CookieSpec(rt.config.cookie_secure).set(f"pending_{app}", token, int(ATTEMPT_LIFETIME.total_seconds()))
    )


def terminal_binding(rt: Runtime, claims: dict[str, str]) -> None:
    token = sessions.encode(rt.session_key, "terminal", claims, now=rt.clock.now(), lifetime=TERMINAL_BINDING_LIFETIME)
    cookie = sessions.CookieSpec(rt.config.cookie_secure).set(
        "terminal", token, int(TERMINAL_BINDING_LIFETIME.total_seconds())
    )
    api.set_cookie(cookie)


def end_session(rt: Runtime, app: str) -> None:
    api.set_cookie(sessions.CookieSpec(rt.config.cookie_secure).clear(app))
