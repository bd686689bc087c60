"""メールアドレス変更 of an admin user: the caller re-enters their own password, a code goes to the new
address, and the change takes effect only when that code comes back; both addresses are told.

Whoever holds a session cannot take the account over by pointing its email elsewhere: sign-in codes
and password resets follow the email, so changing it needs the caller's password (wrong ones count
toward the caller's lock-out like a failed sign-in) and proof that the new address receives mail.
"""

from __future__ import annotations

from datetime import timedelta

from admin import users
from admin.errors import (
    AdminUserNotFound,
    CurrentPasswordWrong,
    EmailCodeRejected,
    EmailCodeTriesExceeded,
    EmailMoved,
    NoEmailChange,
)
from admin.schemas import EmailChangeConfirm, EmailChangeRequest, EmailChangeStarted, UserView
from shoken import api, codes, mail, sessions
from shoken.clock import epoch, iso
from shoken.db import keys, throttle
from shoken.db import sessions as session_records
from shoken.db import users as user_records
from shoken.db.dynamo import ConditionFailed, Expr, Item, TransactionFailed
from shoken.errors import InvalidRequest, Locked, field_problem
from shoken.password_tries import try_password
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime

LIFETIME = timedelta(minutes=30)
MAX_TRIES = 5
REQUESTS_PER_HOUR = 5


def start(rt: Runtime, caller: Principal, user_id: str, body: EmailChangeRequest) -> EmailChangeStarted:
    target = users.manageable(rt, caller, user_id, allow_self=True)
    new_email = body.email.lower()
    if new_email == str(target["email"]).lower():
        raise InvalidRequest(details=[field_problem("email", "unchanged", "email_unchanged")])
    _reauthenticate(rt, caller, body.current_password)
    throttle.hit(
        rt.db,
        f"emailchange#{user_id}",
        limit=REQUESTS_PER_HOUR,
        window_seconds=3600,
        now=rt.clock.now(),
        what="メールアドレス変更の手続き",
    )
    now = rt.clock.now()
    change_id = sessions.new_id()
    code = codes.new_code()
    pk, sk = keys.email_change(user_id)
    rt.db.put(
        {
            "PK": pk,
            "SK": sk,
            "kind": "email_change",
            "change_id": change_id,
            "user_id": user_id,
            "old_email": str(target["email"]),
            "new_email": new_email,
            "code_hash": codes.digest(rt.session_key, change_id, code),
            "tries": 0,
            "requested_by": caller.user_id,
            "created_at": iso(now),
            "expires_at_epoch": epoch(now + LIFETIME),
        }
    )
    name = str(target["name"])
    minutes = int(LIFETIME.total_seconds() // 60)
    mail.send(rt, mail.email_change_code(new_email, code, minutes, name))
    by_self = caller.user_id == user_id
    mail.send(rt, mail.email_change_requested(str(target["email"]), name=name, new_email=new_email, by_self=by_self))
    users.audit("email_change_requested", target, old_email=str(target["email"]), new_email=new_email)
    return EmailChangeStarted(
        message=f"{new_email} に確認コードを送信しました。届いた6桁のコードを入力すると変更が完了します。",
        new_email=new_email,
        minutes=minutes,
    )


def confirm(rt: Runtime, caller: Principal, user_id: str, body: EmailChangeConfirm) -> UserView:
    target = users.manageable(rt, caller, user_id, allow_self=True)
    change = _spend_try(rt, user_id)
    if change.get("requested_by") != caller.user_id:
        raise NoEmailChange()  # another admin's request: they hold the code, not this caller
    if not codes.matches(rt.session_key, str(change["change_id"]), body.code, str(change["code_hash"])):
        left = MAX_TRIES - int(change["tries"])
        if left <= 0:
            raise EmailCodeTriesExceeded()
        raise EmailCodeRejected(left=left)
    old_email, new_email = str(change["old_email"]), str(change["new_email"])
    expr, held = Expr(), Expr()
    now = iso(rt.clock.now())
    try:
        rt.db.transact(
            [
                rt.db.tx_update(
                    keys.user(user_id),
                    f"SET {expr.n('email')} = {expr.v(new_email)}, {expr.n('updated_at')} = {expr.v(now)}",
                    expr,
                    condition=f"{expr.n('email')} = {expr.v(old_email)}",
                ),
                rt.db.tx_delete(
                    keys.email_change(user_id),
                    condition=f"{held.n('code_hash')} = {held.v(change['code_hash'])}",
                    expr=held,
                ),
            ]
        )
    except TransactionFailed as failed:
        raise EmailMoved() from failed
    if caller.user_id != user_id:
        # Whoever signed in with the old address is signed out; the user signs in again with the new one.
        session_records.revoke_all(rt.db, f"USER#{user_id}")
    name = str(target["name"])
    for to in (old_email, new_email):
        mail.send(rt, mail.email_changed(to, name=name, old_email=old_email, new_email=new_email))
    users.audit("email_changed", target, old_email=old_email, new_email=new_email)
    changed = user_records.get(rt.db, user_id)
    if changed is None:
        raise AdminUserNotFound()
    return users.view(rt, changed)


def _reauthenticate(rt: Runtime, caller: Principal, password: str) -> None:
    me = user_records.get(rt.db, caller.user_id)
    if me is None:
        raise Locked()
    tried = try_password(rt, me, password)
    if tried.passed:
        return
    if tried.compared:  # a wrong password (a try refused for the lock compared nothing)
        api.audit_event("reauth_failed", scope=Scope.of(me), target_type="user", target_id=caller.user_id)
    if tried.locked:
        raise Locked()
    raise CurrentPasswordWrong(details=[field_problem("current_password", "mismatch", CurrentPasswordWrong)])


def _spend_try(rt: Runtime, user_id: str) -> Item:
    expr = Expr()
    condition = (
        f"{expr.n('tries')} < {expr.v(MAX_TRIES)} AND {expr.n('expires_at_epoch')} > {expr.v(epoch(rt.clock.now()))}"
    )
    try:
        return rt.db.update(keys.email_change(user_id), f"ADD {expr.n('tries')} {expr.v(1)}", expr, condition=condition)
    except ConditionFailed as failed:
        record = failed.item or {}
        if record and int(record.get("tries", 0)) >= MAX_TRIES:
            raise EmailCodeTriesExceeded() from failed
        raise NoEmailChange() from failed
