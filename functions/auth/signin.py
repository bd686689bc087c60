"""Steps every sign-in shares: checking a password with lock-out, and the emailed six-digit code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from auth import issue
from auth.errors import AccountSuspended, CodeRejected, InvalidCredentials
from shoken import api, codes, mail, sessions
from shoken.clock import epoch
from shoken.db import attempts, throttle, users
from shoken.db.dynamo import Item
from shoken.errors import Locked, TooManyRequests
from shoken.password_tries import try_password
from shoken.passwords import verify_password
from shoken.principal import Scope
from shoken.runtime import Runtime
from shoken.status import Status

# Code mails per hour. One sign-in has its own limits first (attempts.MAX_SENDS, one a minute), and a
# refused resend counts nowhere. Then, so that an anonymous client cannot stop a real person signing in:
# - per address and source: one client's share of an address (above one sign-in's own limit, so a
#   single sign-in meets its precise 「再送信回数が上限」 first);
# - per address: bounds mail to one address from everyone, and takes several sources to reach;
# - per source: one client spraying many addresses.
CODE_MAILS_PER_ADDRESS_SOURCE = 2 * attempts.MAX_SENDS
CODE_MAILS_PER_ADDRESS = 6 * attempts.MAX_SENDS
CODE_MAILS_PER_SOURCE = 60
CODE_MAIL_WINDOW = 3600


def actor_of(user: Item) -> dict[str, str | None]:
    return {"user_id": user["user_id"], "login_id": user["login_id"], "role": user["role"], "name": user.get("name")}


def authenticate(rt: Runtime, login_id: str, password: str) -> Item:
    """The user whose password this is, or a refusal that looks the same for unknown login IDs."""
    user = users.find_by_login(rt.db, login_id)
    if user is None:
        verify_password(password, None, dummy_log_n=rt.config.password_log_n)  # same time as a real check
        fingerprint = codes.fingerprint(rt.session_key, login_id)
        failures = users.unknown_login_failure(rt.db, fingerprint, epoch(rt.clock.now() + timedelta(days=1)))
        api.audit_event("login_failed", actor={"login_fingerprint": fingerprint}, scope=Scope(), reason="unknown_login")
        raise Locked() if failures >= users.MAX_FAILED_LOGINS else InvalidCredentials()
    tried = try_password(rt, user, password)
    if not tried.passed:
        reason = "password" if tried.compared else "locked"
        api.audit_event("login_failed", actor=actor_of(user), scope=Scope.of(user), reason=reason)
        if tried.just_locked:
            api.audit_event(
                "account_locked",
                actor=actor_of(user),
                scope=Scope.of(user),
                target_type="user",
                target_id=str(user["user_id"]),
            )
        raise Locked() if tried.locked else InvalidCredentials()
    if user.get("status") != Status.ACTIVE:
        raise AccountSuspended()
    return user


def start_user_session(
    rt: Runtime, user: Item, *, app: str, terminal_id: str | None = None, binding_id: str | None = None
) -> tuple[str, int]:
    """Sign a console user or store staff in on `app` (and the terminal, for the merchant app): the
    session, and its 'login' audit entry. Returns (csrf token, absolute end)."""
    csrf, ends = issue.start_session(
        rt,
        home_pk=f"USER#{user['user_id']}",
        subject=str(user["user_id"]),
        role=str(user["role"]),
        app=app,
        claims=scope_claims(user, terminal_id=terminal_id, binding_id=binding_id),
    )
    on_terminal = {"terminal_id": terminal_id} if terminal_id else {}
    api.audit_event("login", scope=Scope.of(user), actor=actor_of(user), app=app, **on_terminal)
    return csrf, ends


def new_attempt(rt: Runtime, app: str, stage: str, **fields: Any) -> str:
    """A sign-in attempt at its first stage, under a new id (the one the next step names)."""
    attempt_id = sessions.new_id()
    attempts.create(rt.db, attempt_id, app=app, stage=stage, now=rt.clock.now(), **fields)
    return attempt_id


def reserve_mail(rt: Runtime, to: str, attempt: Item | None = None) -> None:
    """Admit one code mail to `to`: the attempt's own limits (read, nothing counted), then the
    source's, the address-and-source's and the address's hourly quotas. A refusal at any step
    leaves every quota as it was, and says when to try again."""
    now = rt.clock.now()
    if attempt is not None:
        attempts.check_can_send(attempt, now)
    address = codes.fingerprint(rt.session_key, to)
    source = codes.fingerprint(rt.session_key, api.current().request.source_ip or "-")
    counted: list[str] = []
    try:
        for name, limit in (
            (f"mailsrc#{source}", CODE_MAILS_PER_SOURCE),
            (f"mail#{address}#{source}", CODE_MAILS_PER_ADDRESS_SOURCE),
            (f"mail#{address}", CODE_MAILS_PER_ADDRESS),
        ):
            throttle.hit(rt.db, name, limit=limit, window_seconds=CODE_MAIL_WINDOW, now=now, what="確認コードの送信")
            counted.append(name)
    except TooManyRequests:
        for name in counted:
            throttle.undo(rt.db, name, window_seconds=CODE_MAIL_WINDOW, now=now)
        raise


def send_code(
    rt: Runtime, attempt_id: str, to: str, make_mail: Callable[[str, int], mail.Mail], *, attempt: Item | None = None
) -> None:
    """A new code for an attempt (admitted by reserve_mail), sent by email."""
    reserve_mail(rt, to, attempt)
    deliver_code(rt, attempt_id, make_mail)


def deliver_code(rt: Runtime, attempt_id: str, make_mail: Callable[[str, int], mail.Mail]) -> None:
    """Store a new code for an attempt whose mail reserve_mail admitted, and send it."""
    now = rt.clock.now()
    code = codes.new_code()
    attempts.store_code(rt.db, attempt_id, codes.digest(rt.session_key, attempt_id, code), now)
    mail.send(rt, make_mail(code, int(attempts.CODE_LIFETIME.total_seconds() // 60)))


def check_code(rt: Runtime, attempt_id: str, code: str) -> Item:
    """Spend a try, compare, and consume the attempt on success (single use). Returns the attempt."""
    now = rt.clock.now()
    record = attempts.count_try(rt.db, attempt_id, now)
    if not codes.matches(rt.session_key, attempt_id, code, str(record.get("code_hash", ""))):
        left = attempts.MAX_TRIES - int(record["tries"])
        if left <= 0:
            raise attempts.TooManyTries()
        raise CodeRejected(left=left)
    attempts.consume(rt.db, attempt_id, str(record["code_hash"]))
    return record


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    shown = local[:2] if len(local) > 2 else local[:1]
    return f"{shown}{'*' * max(3, len(local) - len(shown))}@{domain}"


def scope_claims(user: Item, *, terminal_id: str | None = None, binding_id: str | None = None) -> dict[str, Any]:
    claims = {
        "acq": user.get("committee_id"),
        "co": user.get("company_id"),
        "st": user.get("store_id"),
        "term": terminal_id,
        "bid": binding_id,
        "login": user.get("login_id"),
        "name": user.get("name"),
    }
    return {k: v for k, v in claims.items() if v is not None}
