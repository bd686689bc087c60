"""Sign-ins in progress (password change and email code steps), one item per attempt with a TTL.

Tries and resends are counted by conditional updates, so parallel guesses cannot exceed the limits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shoken.clock import epoch, iso
from shoken.db import keys
from shoken.db.dynamo import ConditionFailed, Dynamo, Expr, Item
from shoken.errors import DomainError, InvalidRequest, TooManyRequests, Unauthenticated, UnauthenticatedRefused, variant

LIFETIME = timedelta(minutes=30)
CODE_LIFETIME = timedelta(minutes=10)
MAX_TRIES = 5
MAX_SENDS = 5
RESEND_INTERVAL = timedelta(seconds=60)


class CodeExpired(DomainError):
    code = "code_expired"


class CodeRejected(DomainError, InvalidRequest):
    code = "code_invalid"


class TooManyTries(DomainError):
    code = "code_attempts_exceeded"


class ResendTooSoon(DomainError, TooManyRequests):
    code = "resend_throttled"

    def __init__(self, seconds: int) -> None:
        super().__init__(retry_after=seconds, seconds=max(1, seconds))


class TooManySends(DomainError, TooManyRequests):
    code = "resend_limit"


SignInExpired = variant(UnauthenticatedRefused, "sign_in_expired", "SignInExpired")  # the attempt's 30 minutes


def create(db: Dynamo, attempt_id: str, *, app: str, stage: str, now: datetime, **fields: Any) -> Item:
    pk, sk = keys.attempt(attempt_id)
    record: Item = {
        "PK": pk,
        "SK": sk,
        "kind": "attempt",
        "attempt_id": attempt_id,
        "app": app,
        "stage": stage,
        "tries": 0,
        "sends": 0,
        "last_sent_epoch": 0,
        "created_at": iso(now),
        "expires_at_epoch": epoch(now + LIFETIME),
        **{k: v for k, v in fields.items() if v is not None},
    }
    db.put(record)
    return record


def get_live(db: Dynamo, attempt_id: str, now: datetime) -> Item:
    record = db.get(keys.attempt(attempt_id))
    if record is None or int(record["expires_at_epoch"]) <= epoch(now):
        raise SignInExpired()
    return record


def set_stage(db: Dynamo, attempt_id: str, stage: str) -> None:
    expr = Expr()
    db.update(keys.attempt(attempt_id), f"SET {expr.n('stage')} = {expr.v(stage)}", expr)


def check_can_send(attempt: Item, now: datetime) -> None:
    """Refuse a send this attempt may not make (too soon, too many) before anything is counted:
    a refused resend spends no one's quota. store_code re-checks under a condition (races)."""
    if int(attempt.get("sends", 0)) >= MAX_SENDS:
        raise TooManySends()
    wait = int(attempt.get("last_sent_epoch", 0)) + int(RESEND_INTERVAL.total_seconds()) - epoch(now)
    if wait > 0:
        raise ResendTooSoon(wait)


def store_code(db: Dynamo, attempt_id: str, code_hash: str, now: datetime) -> None:
    """Replace the code, within the resend interval and the number of sends."""
    expr = Expr()
    update = (
        f"SET {expr.n('code_hash')} = {expr.v(code_hash)}, "
        f"{expr.n('code_expires_epoch')} = {expr.v(epoch(now + CODE_LIFETIME))}, "
        f"{expr.n('last_sent_epoch')} = {expr.v(epoch(now))} "
        f"ADD {expr.n('sends')} {expr.v(1)}"
    )
    condition = (
        f"{expr.n('sends')} < {expr.v(MAX_SENDS)} AND "
        f"{expr.n('last_sent_epoch')} <= {expr.v(epoch(now - RESEND_INTERVAL))}"
    )
    try:
        db.update(keys.attempt(attempt_id), update, expr, condition=condition)
    except ConditionFailed as failed:
        record = failed.item or {}
        if int(record.get("sends", 0)) >= MAX_SENDS:
            raise TooManySends() from failed
        wait = int(record.get("last_sent_epoch", 0)) + int(RESEND_INTERVAL.total_seconds()) - epoch(now)
        raise ResendTooSoon(max(1, wait)) from failed


def count_try(db: Dynamo, attempt_id: str, now: datetime) -> Item:
    """Spend one of the attempt's tries before the code is compared; refuse past the limit or expiry."""
    expr = Expr()
    condition = (
        f"{expr.n('tries')} < {expr.v(MAX_TRIES)} AND {expr.n('code_expires_epoch')} > {expr.v(epoch(now))} "
        f"AND {expr.n('stage')} = {expr.v('verify_email')}"
    )
    try:
        return db.update(keys.attempt(attempt_id), f"ADD {expr.n('tries')} {expr.v(1)}", expr, condition=condition)
    except ConditionFailed as failed:
        record = failed.item or {}
        if int(record.get("tries", 0)) >= MAX_TRIES:
            raise TooManyTries() from failed
        if record.get("stage") != "verify_email":
            raise Unauthenticated() from failed
        raise CodeExpired() from failed


def consume(db: Dynamo, attempt_id: str, code_hash: str) -> None:
    """Delete the attempt if it still holds this code: the code works once, even under parallel use."""
    expr = Expr()
    try:
        db.delete(keys.attempt(attempt_id), condition=f"{expr.n('code_hash')} = {expr.v(code_hash)}", expr=expr)
    except ConditionFailed as failed:
        raise CodeRejected() from failed


def delete(db: Dynamo, attempt_id: str) -> None:
    db.delete(keys.attempt(attempt_id))
