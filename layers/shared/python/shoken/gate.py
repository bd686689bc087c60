"""Admission: who may call a route, decided from the route table before any route code runs."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import Any

from shoken import sessions
from shoken.clock import epoch
from shoken.db import keys
from shoken.db import sessions as session_records
from shoken.db.dynamo import Found
from shoken.db.records import Session, Store, Terminal
from shoken.errors import CsrfRejected, DomainError, Forbidden, Unauthenticated
from shoken.frozen import Frozen, set_field
from shoken.principal import Principal
from shoken.roles import MERCHANT_ROLES, Role
from shoken.routes import Gate, Route
from shoken.runtime import Runtime

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The header CloudFront adds to every API request, holding the origin secret (infra/constructs/web.py).
ORIGIN_HEADER = "x-shoken-origin"
# Where CloudFront puts the viewer's address and port; trusted only once the origin secret matched.
VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address"
# Re-sign the session cookie (sliding idle timeout) at most once a minute per session.
REFRESH_AFTER_SECONDS = 60


# --- refusals of admission: codes only (texts: shoken.messages) ---
class NotThroughCloudFront(DomainError, Forbidden):
    code = "origin_rejected"


class TerminalSuspended(DomainError):
    code = "terminal_suspended"


class TerminalUnbound(DomainError):
    code = "terminal_unbound"


class TerminalRebound(TerminalUnbound):
    """The terminal was set up on another device since: this one is signed out, and told why."""

    code = "terminal_rebound"


class StoreSuspended(DomainError):
    code = "store_suspended"


class HttpRequest(Frozen):
    __slots__ = ("cookies", "headers", "method", "path", "source_ip", "user_agent")
    method: str
    path: str
    headers: dict[str, str]
    cookies: dict[str, str]
    source_ip: str
    user_agent: str

    def __init__(
        self, method: str, path: str, headers: dict[str, str], cookies: dict[str, str], source_ip: str, user_agent: str
    ) -> None:
        set_field(self, "method", method)
        set_field(self, "path", path)
        set_field(self, "headers", headers)
        set_field(self, "cookies", cookies)
        set_field(self, "source_ip", source_ip)
        set_field(self, "user_agent", user_agent)

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> HttpRequest:
        http = event.get("requestContext", {}).get("http", {})
        cookies: dict[str, str] = {}
        for pair in event.get("cookies") or []:
            name, _, value = pair.partition("=")
            cookies.setdefault(name.strip(), value.strip())
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        return cls(
            method=http.get("method", "GET"),
            path=event.get("rawPath", ""),
            headers=headers,
            cookies=cookies,
            source_ip=http.get("sourceIp", ""),
            user_agent=headers.get("user-agent", "")[:200],
        )

    @property
    def app(self) -> str:
        app = self.headers.get("x-shoken-app", "")
        return app if app in sessions.APPS else ""


class Admission:
    """Who admission let in (one of principal, pending or terminal, by the route's gate), and the
    cookies it sets (a refreshed session). A plain class, as gate.py is on every cold start."""

    __slots__ = ("claims", "pending", "principal", "set_cookies", "terminal")

    def __init__(
        self,
        principal: Principal | None = None,
        pending: dict[str, Any] | None = None,
        terminal: dict[str, Any] | None = None,
        claims: dict[str, Any] | None = None,
    ) -> None:
        self.principal = principal
        self.pending = pending
        self.terminal = terminal
        self.claims = claims
        self.set_cookies: list[str] = []


def through_cloudfront(request: HttpRequest, rt: Runtime) -> HttpRequest:
    """In AWS, refuses a request that reached the API without CloudFront (and so without its WAF).

    One that came through CloudFront is from the viewer CloudFront names, not from CloudFront's own
    address; the secret header is dropped so nothing downstream can echo or log it.
    """
    if rt.origin_secret_id is None:
        return request
    if not rt.origin_secret_matches(request.headers.get(ORIGIN_HEADER, "")):
        raise NotThroughCloudFront()
    headers = {k: v for k, v in request.headers.items() if k != ORIGIN_HEADER}
    viewer = request.headers.get(VIEWER_ADDRESS_HEADER, "").rpartition(":")[0]
    return request.replace(headers=headers, source_ip=viewer or request.source_ip)


def admit(route: Route, request: HttpRequest, rt: Runtime) -> Admission:
    if request.method not in SAFE_METHODS and not request.app:
        # A cross-site form or simple request cannot add a custom header; fetch() from another
        # origin would need a CORS preflight that this API never grants.
        raise CsrfRejected()
    if route.gate is Gate.PUBLIC:
        return Admission()
    cookies = sessions.CookieSpec(rt.config.cookie_secure)
    now = rt.clock.now()
    if route.gate is Gate.PENDING:
        token = request.cookies.get(cookies.name(f"pending_{request.app}"), "")
        return Admission(pending=sessions.decode(rt.session_key, "pending", token, now=now))
    if route.gate is Gate.TERMINAL:
        token = request.cookies.get(cookies.name("terminal"), "")
        if not token:
            raise TerminalUnbound()
        return Admission(terminal=sessions.decode(rt.session_key, "terminal", token, now=now))

    token = request.cookies.get(cookies.name(request.app), "") if request.app else ""
    if not token:
        raise Unauthenticated()
    claims = sessions.decode(rt.session_key, "session", token, now=now)
    principal = principal_from(claims)
    if principal.app != request.app:
        raise Unauthenticated()
    if principal.role not in route.roles:
        raise Forbidden()
    if request.method not in SAFE_METHODS and not hmac.compare_digest(  # bytes: any header text compares
        request.headers.get("x-csrf-token", "").encode("utf-8", "surrogateescape"), principal.csrf.encode()
    ):
        raise CsrfRejected()
    if not route.session_in_handler:
        check_session_records(rt, principal, request)
    admission = Admission(principal=principal, claims=claims)
    if epoch(now) - int(claims["iat"]) >= REFRESH_AFTER_SECONDS:
        admission.set_cookies.append(refreshed_cookie(rt, claims))
    return admission


def principal_from(claims: dict[str, Any]) -> Principal:
    try:
        return Principal(
            user_id=str(claims["sub"]),
            role=Role(claims["role"]),
            session_id=str(claims["sid"]),
            app=str(claims["app"]),
            csrf=str(claims["csrf"]),
            committee_id=claims.get("acq"),
            company_id=claims.get("co"),
            store_id=claims.get("st"),
            terminal_id=claims.get("term"),
            binding_id=claims.get("bid"),
            login_id=claims.get("login"),
            name=claims.get("name"),
        )
    except (KeyError, ValueError) as error:
        raise Unauthenticated() from error


def merchant_keys(principal: Principal) -> list[keys.Key]:
    """What a merchant request must find live: its session, its terminal and its store."""
    assert principal.terminal_id
    assert principal.store_id
    return [
        keys.session(principal.home_pk, principal.session_id),
        keys.terminal(principal.terminal_id),
        keys.store(principal.store_id),
    ]


def check_session_records(rt: Runtime, principal: Principal, request: HttpRequest) -> None:
    now = rt.clock.now()
    if principal.role in MERCHANT_ROLES:
        found = rt.db.batch_get(merchant_keys(principal))
        check_merchant(principal, found, now_epoch=epoch(now))
        return
    if not session_records.is_live(session_records.get(rt.db, principal.home_pk, principal.session_id), now):
        raise Unauthenticated()


def admission_keys(principal: Principal) -> list[keys.Key]:
    """The records that admit a signed-in caller, for a handler that reads them with its own data
    (routes with session_in_handler): a merchant's session, terminal and store; anyone else's session."""
    if principal.role in MERCHANT_ROLES:
        return merchant_keys(principal)
    return [keys.session(principal.home_pk, principal.session_id)]


def check_admitted(principal: Principal, found: Found, now: datetime) -> None:
    """What check_session_records decides, from records the handler read itself (admission_keys)."""
    if principal.role in MERCHANT_ROLES:
        check_merchant(principal, found, now_epoch=epoch(now))
    elif not session_records.is_live(found.record(Session, keys.session(principal.home_pk, principal.session_id)), now):
        raise Unauthenticated()


def check_merchant(principal: Principal, found: Found, *, now_epoch: int) -> None:
    """Session live, terminal bound to this device and active, store active (used by the payment too)."""
    session_record_key, terminal_key, store_key = merchant_keys(principal)
    session = found.record(Session, session_record_key)
    if session is None or not session.live(now_epoch):
        raise Unauthenticated()
    check_terminal(found.record(Terminal, terminal_key), found.record(Store, store_key), principal.binding_id)


def check_terminal(terminal: Terminal | None, store: Store | None, binding_id: str | None) -> None:
    """The terminal still bound to this device (`binding_id` from its signed cookie) and active, its store active."""
    if terminal is not None and binding_id and terminal.binding_id and terminal.binding_id != binding_id:
        raise TerminalRebound()
    if terminal is None or not binding_id or terminal.binding_id != binding_id:
        raise TerminalUnbound()
    if not terminal.active:
        raise TerminalSuspended()
    if store is None or not store.active:
        raise StoreSuspended()


def refreshed_cookie(rt: Runtime, claims: dict[str, Any]) -> str:
    now = rt.clock.now()
    idle = timedelta(minutes=rt.config.session_idle_minutes)
    keep = {k: v for k, v in claims.items() if k not in {"iat", "exp", "typ"}}
    lifetime = min(idle, timedelta(seconds=int(claims["aex"]) - epoch(now)))
    token = sessions.encode(rt.session_key, "session", keep, now=now, lifetime=lifetime)
    return sessions.CookieSpec(rt.config.cookie_secure).set(str(claims["app"]), token, int(lifetime.total_seconds()))
