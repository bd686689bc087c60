"""Admin console sign-in (manual: ログイン → パスワード変更 → メールアドレス認証), password change and reset."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from auth import citizen, issue, merchant, profile, signin
from auth.errors import AccountSuspended, CurrentPasswordWrong, ResetLinkInvalid, UseMerchantApp, WrongStep
from auth.schemas import (
    InitialPasswordRequest,
    LoginRequest,
    PasswordChangeRequest,
    ResetConfirmRequest,
    ResetRequest,
    SignInStep,
)
from shoken import api, codes, ids, mail
from shoken.clock import epoch, iso
from shoken.config import MailConfig
from shoken.db import attempts, keys, throttle, users
from shoken.db import sessions as session_records
from shoken.db.dynamo import ConditionFailed, Expr, Item
from shoken.errors import Locked
from shoken.passwords import check_admin_password, check_staff_password, hash_password, verify_user
from shoken.principal import Principal, Scope
from shoken.roles import CONSOLE_ROLES, MERCHANT_ROLES, Role
from shoken.runtime import Runtime
from shoken.status import Status

RESET_LIFETIME = timedelta(minutes=30)
RESET_MAILS_PER_HOUR = 3  # per login ID, existing or not
RESET_REQUESTS_PER_SOURCE = 30  # per client, whatever the login IDs
# What an unknown login ID reads and writes instead of a real user's records (same calls, same sizes).
NO_USER = "--------"
DECOY_RESET = keys.reset_token("decoy")


def login(rt: Runtime, body: LoginRequest) -> SignInStep:
    user = signin.authenticate(rt, body.login_id, body.password)
    if Role(user["role"]) not in CONSOLE_ROLES:
        raise UseMerchantApp()
    stage = "change_password" if user.get("must_change_password") else "verify_email"
    if stage == "verify_email":
        signin.reserve_mail(rt, str(user["email"]))  # before anything is written: a refusal leaves no attempt
    attempt_id = signin.new_attempt(rt, "admin", stage, user_id=user["user_id"])
    if stage == "verify_email":
        signin.deliver_code(rt, attempt_id, _login_mail(user))
    issue.pending(rt, "admin", attempt_id)
    return SignInStep(next=stage, email_hint=signin.mask_email(str(user["email"])))


def initial_password(rt: Runtime, pending: dict[str, Any], body: InitialPasswordRequest) -> SignInStep:
    """First sign-in: replace the initial password (= login ID). Console users then verify by email;
    merchant staff (at least 12 characters) are signed in on their terminal at once."""
    attempt = attempts.get_live(rt.db, str(pending["att"]), rt.clock.now())
    if attempt["stage"] != "change_password":
        raise WrongStep()
    user = _live_user(rt, str(attempt["user_id"]))
    check = check_staff_password if attempt["app"] == "merchant" else check_admin_password
    check(body.new_password, body.confirm_password, str(user["login_id"]))
    if attempt["app"] != "merchant":
        signin.reserve_mail(rt, str(user["email"]), attempt)  # a refused code mail changes nothing
    _store_password(rt, user, body.new_password)
    if attempt["app"] == "merchant":
        attempts.delete(rt.db, str(attempt["attempt_id"]))
        return merchant.start_staff_session(rt, user, attempt)
    attempts.set_stage(rt.db, str(attempt["attempt_id"]), "verify_email")
    signin.deliver_code(rt, str(attempt["attempt_id"]), _login_mail(user))
    return SignInStep(next="verify_email", email_hint=signin.mask_email(str(user["email"])))


def verify(rt: Runtime, pending: dict[str, Any], code: str) -> SignInStep:
    attempt = attempts.get_live(rt.db, str(pending["att"]), rt.clock.now())
    if attempt["app"] == "wallet":
        return citizen.finish(rt, attempt, code)
    if attempt["app"] != "admin":
        raise WrongStep()
    signin.check_code(rt, str(attempt["attempt_id"]), code)
    user = _live_user(rt, str(attempt["user_id"]))
    csrf, ends = signin.start_user_session(rt, user, app="admin")
    return SignInStep(next="done", csrf_token=csrf, me=profile.for_user(rt, user, app="admin", ends=ends))


def resend(rt: Runtime, pending: dict[str, Any]) -> SignInStep:
    attempt = attempts.get_live(rt.db, str(pending["att"]), rt.clock.now())
    if attempt["stage"] != "verify_email":
        raise WrongStep()
    if attempt["app"] == "wallet":
        return citizen.resend(rt, attempt)
    user = _live_user(rt, str(attempt["user_id"]))
    signin.send_code(rt, str(attempt["attempt_id"]), str(user["email"]), _login_mail(user), attempt=attempt)
    return SignInStep(next="verify_email", email_hint=signin.mask_email(str(user["email"])))


def change_password(rt: Runtime, caller: Principal, body: PasswordChangeRequest) -> SignInStep:
    """パスワード変更 while signed in: every session of the user ends, this device gets a new one."""
    user = _live_user(rt, caller.user_id)
    if not verify_user(user, body.current_password, log_n=rt.config.password_log_n):
        raise CurrentPasswordWrong(details=[{"field": "current_password", "reason": "mismatch"}])
    check = check_staff_password if Role(user["role"]) in MERCHANT_ROLES else check_admin_password
    check(body.new_password, body.confirm_password, str(user["login_id"]))
    _store_password(rt, user, body.new_password)
    csrf, ends = issue.start_session(
        rt,
        home_pk=caller.home_pk,
        subject=caller.user_id,
        role=caller.role.value,
        app=caller.app,
        claims=signin.scope_claims(user, terminal_id=caller.terminal_id, binding_id=caller.binding_id),
    )
    return SignInStep(
        next="done",
        csrf_token=csrf,
        me=profile.for_user(rt, user, app=caller.app, ends=ends, terminal_id=caller.terminal_id),
    )


def request_reset(rt: Runtime, body: ResetRequest) -> None:
    """「パスワードをお忘れですか?」: the answer, the throttling and the work done are the same
    whether or not the login ID exists (or is suspended): the same throttles, the same table reads
    and writes and one mail sent, to the SES mailbox simulator when there is no one to tell."""
    now = rt.clock.now()
    fingerprint = codes.fingerprint(rt.session_key, body.login_id)
    source = codes.fingerprint(rt.session_key, api.current().request.source_ip or "-")
    what = "パスワード再設定のお申し込み"
    throttle.hit(rt.db, f"resetsrc#{source}", limit=RESET_REQUESTS_PER_SOURCE, window_seconds=3600, now=now, what=what)
    throttle.hit(rt.db, f"reset#{fingerprint}", limit=RESET_MAILS_PER_HOUR, window_seconds=3600, now=now, what=what)
    guard = rt.db.get(keys.login_name(body.login_id))
    user = users.get(rt.db, str(guard["user_id"]) if guard else NO_USER)
    real = user is not None and user.get("status") == Status.ACTIVE
    token = ids.random_token(32)
    pk, sk = keys.reset_token(_token_hash(token)) if real and user and not user.get("locked") else DECOY_RESET
    rt.db.put(
        {
            "PK": pk,
            "SK": sk,
            "kind": "reset",
            "user_id": str(user["user_id"]) if real and user else "-",
            "created_at": iso(now),
            "expires_at_epoch": epoch(now + RESET_LIFETIME),
        }
    )
    base = rt.require(MailConfig).public_base_url.rstrip("/")
    minutes = int(RESET_LIFETIME.total_seconds() // 60)
    link = f"{base}/admin/#/reset?token={token}"
    if not real or user is None:
        mail.send(rt, mail.password_reset(mail.SIMULATOR_SUCCESS, link, minutes))
        actor: dict[str, Any] = {"login_fingerprint": fingerprint}
        api.audit_event("password_reset_requested", scope=Scope(), actor=actor, reason="unknown_login")
        return
    if user.get("locked"):
        mail.send(rt, mail.password_reset_locked(str(user["email"])))
    else:
        mail.send(rt, mail.password_reset(str(user["email"]), link, minutes))
    api.audit_event("password_reset_requested", scope=Scope.of(user), actor=signin.actor_of(user))


def confirm_reset(rt: Runtime, body: ResetConfirmRequest) -> None:
    key = keys.reset_token(_token_hash(body.token))
    record = rt.db.get(key)
    if record is None or int(record["expires_at_epoch"]) <= epoch(rt.clock.now()):
        raise ResetLinkInvalid()
    user = users.get(rt.db, str(record["user_id"]))
    if user is None or user.get("status") != Status.ACTIVE:
        raise ResetLinkInvalid()
    if user.get("locked"):
        raise Locked()
    check = check_staff_password if Role(user["role"]) in MERCHANT_ROLES else check_admin_password
    check(body.new_password, body.confirm_password, str(user["login_id"]))
    expr = Expr()
    try:
        rt.db.delete(key, condition=f"attribute_exists({expr.n('PK')})", expr=expr)  # the link works once
    except ConditionFailed as failed:
        raise ResetLinkInvalid() from failed
    _store_password(rt, user, body.new_password, action="password_reset")


def _store_password(rt: Runtime, user: Item, password: str, *, action: str = "password_changed") -> None:
    users.set_fields(
        rt.db,
        str(user["user_id"]),
        {
            "password_hash": hash_password(password, log_n=rt.config.password_log_n),
            "must_change_password": False,
            "password_changed_at": iso(rt.clock.now()),
            "failed_logins": 0,
        },
    )
    session_records.revoke_all(rt.db, f"USER#{user['user_id']}")
    api.audit_event(
        action,
        scope=Scope.of(user),
        actor=signin.actor_of(user),
        target_type="user",
        target_id=str(user["user_id"]),
    )


def _login_mail(user: Item) -> Callable[[str, int], mail.Mail]:
    return lambda code, minutes: mail.login_code(str(user["email"]), code, minutes)


def _live_user(rt: Runtime, user_id: str) -> Item:
    user = users.get(rt.db, user_id)
    if user is None:
        raise WrongStep()
    if user.get("locked"):
        raise Locked()
    if user.get("status") != Status.ACTIVE:
        raise AccountSuspended()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
