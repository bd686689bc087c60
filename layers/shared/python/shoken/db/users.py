"""Admin users (管理ユーザ): console and merchant-app accounts with a role and a place in the hierarchy."""

from __future__ import annotations

from typing import Any

from shoken.db import keys
from shoken.db.dynamo import ConditionFailed, Dynamo, Expr, Item, TransactionFailed
from shoken.errors import AlreadyExists
from shoken.status import Status


def committee_list_pk(committee_id: str | None) -> str:
    return f"USERS#{committee_id or 'SYSTEM'}"


def company_list_pk(company_id: str) -> str:
    return f"USERS#CO#{company_id}"


def item(
    user_id: str,
    *,
    login_id: str,
    name: str,
    email: str,
    role: str,
    now: str,
    password_hash: str | None = None,
    committee_id: str | None = None,
    company_id: str | None = None,
    store_id: str | None = None,
    **fields: Any,
) -> Item:
    pk, sk = keys.user(user_id)
    record: Item = {
        "PK": pk,
        "SK": sk,
        "kind": "user",
        "user_id": user_id,
        "login_id": login_id,
        "login_lower": login_id.lower(),
        "name": name,
        "email": email.lower(),
        "role": role,
        "committee_id": committee_id,
        "company_id": company_id,
        "store_id": store_id,
        "password_hash": password_hash,
        "must_change_password": True,
        "status": Status.ACTIVE,
        "locked": False,
        "failed_logins": 0,
        "created_at": now,
        "updated_at": now,
        "L1PK": committee_list_pk(committee_id),
        "L1SK": user_id,
        **fields,
    }
    if company_id:
        record["L2PK"] = company_list_pk(company_id)
        record["L2SK"] = user_id
    return {k: v for k, v in record.items() if v is not None}


def login_item(login_id: str, user_id: str) -> Item:
    pk, sk = keys.login_name(login_id)
    return {"PK": pk, "SK": sk, "kind": "login", "user_id": user_id, "login_id": login_id}


def get(db: Dynamo, user_id: str, *, consistent: bool = True) -> Item | None:
    return db.get(keys.user(user_id), consistent=consistent)


def find_by_login(db: Dynamo, login_id: str) -> Item | None:
    """Login ID → user, with two strongly consistent GetItems (no index, so no stale reads)."""
    guard = db.get(keys.login_name(login_id))
    return get(db, str(guard["user_id"])) if guard else None


MAX_FAILED_LOGINS = 5


class UserIdTaken(Exception):
    """The generated user id exists already; the caller takes another number."""


def create(db: Dynamo, record: Item) -> None:
    """User and its login-ID guard in one transaction: a login ID is unique even under races."""
    expr = Expr()
    try:
        db.transact(
            [
                db.tx_put(record, condition=f"attribute_not_exists({expr.n('PK')})", expr=expr),
                db.tx_put(
                    login_item(str(record["login_id"]), str(record["user_id"])),
                    condition=f"attribute_not_exists({expr.n('PK')})",
                    expr=expr,
                ),
            ]
        )
    except TransactionFailed as failed:
        taken = AlreadyExists(
            "このログインIDは既に使用されています。", details=[{"field": "login_id", "reason": "duplicate"}]
        )
        failed.refuse({1: taken, 0: UserIdTaken()})


def spend_login_try(db: Dynamo, user_id: str) -> Item | None:
    """Spend one of the account's tries before its password is compared, or None if none is left.

    The try is counted first, by an ADD conditioned on tries being left, so a burst of guesses sent
    side by side gets no more comparisons than the lock allows: reading the count, comparing, then
    counting would let every guess of the burst be compared before the lock lands."""
    expr = Expr()
    failures, locked = expr.n("failed_logins"), expr.n("locked")
    condition = (
        f"(attribute_not_exists({failures}) OR {failures} < {expr.v(MAX_FAILED_LOGINS)}) "
        f"AND (attribute_not_exists({locked}) OR {locked} = {expr.v(False)})"
    )
    try:
        return db.update(keys.user(user_id), f"ADD {failures} {expr.v(1)}", expr, condition=condition)
    except ConditionFailed:
        return None


def failed_login(db: Dynamo, user_id: str, spent: Item) -> Item:
    """A wrong password on a try spend_login_try counted: the fifth in a row locks the account.
    `just_locked` is set on the one call that locked it."""
    if int(spent["failed_logins"]) < MAX_FAILED_LOGINS or spent.get("locked"):
        return spent
    expr = Expr()
    locked = expr.n("locked")
    # Conditioned on the count too: an unlock or a right password in between has reset it, and that
    # reset stands (the wrong password counted before it does not lock the account again).
    try:
        record = db.update(
            keys.user(user_id),
            f"SET {locked} = {expr.v(True)}",
            expr,
            condition=f"(attribute_not_exists({locked}) OR {locked} = {expr.v(False)}) "
            f"AND {expr.n('failed_logins')} >= {expr.v(MAX_FAILED_LOGINS)}",
        )
    except ConditionFailed as already:
        return already.item or {**spent, "locked": True}
    return {**record, "just_locked": True}


def passed_login(db: Dynamo, user_id: str) -> None:
    """The password matched: the wrong ones before it no longer count (nor does the try it spent)."""
    expr = Expr()
    db.update(keys.user(user_id), f"SET {expr.n('failed_logins')} = {expr.v(0)}", expr, returns="NONE")


def unknown_login_failure(db: Dynamo, login_hash: str, expires_epoch: int) -> int:
    """Failures for a login ID that does not exist, counted like real ones (TTL one day)."""
    expr = Expr()
    record = db.update(
        keys.login_failures(login_hash),
        f"ADD {expr.n('failed_logins')} {expr.v(1)} SET {expr.n('expires_at_epoch')} = {expr.v(expires_epoch)}",
        expr,
    )
    return int(record["failed_logins"])


def unknown_login_failures(db: Dynamo, login_hash: str) -> int:
    record = db.get(keys.login_failures(login_hash))
    return int(record["failed_logins"]) if record else 0


def set_fields(db: Dynamo, user_id: str, fields: dict[str, Any], *, remove: tuple[str, ...] = ()) -> Item:
    expr = Expr()
    sets = [f"{expr.n(k)} = {expr.v(v)}" for k, v in fields.items()]
    update = "SET " + ", ".join(sets)
    if remove:
        update += " REMOVE " + ", ".join(expr.n(k) for k in remove)
    return db.update(keys.user(user_id), update, expr, condition=f"attribute_exists({expr.n('PK')})")
