"""Idempotency records: the first result of a request, kept under the key its client chose.

A retried request (time-out, double tap, reload) finds the record and gets the first result; the
same key with a different request is refused. The record is written in the same transaction as the
change it guards, so there is never a change without its record or a record without its change.
`settle` is the one flow every idempotency-keyed write goes through (payments, MPM, charges).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from shoken.clock import Clock, epoch, iso
from shoken.db import keys
from shoken.db.dynamo import Dynamo, Found, Item, Key, WriteUncertain, classify, is_transient
from shoken.db.ledger import AlreadyRecorded, Contended, Refused
from shoken.errors import DomainError, ServiceUnavailable
from shoken.frozen import Frozen, set_field
from shoken.observability import logger

KEEP = timedelta(days=7)


class KeyReused(DomainError):
    code = "idempotency_key_reused"


def request_hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def item(scope: str, idem_key: str, *, request: dict[str, Any], result: dict[str, Any], now: datetime) -> Item:
    pk, sk = keys.idempotency(scope, idem_key)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "idempotency",
        "request_hash": request_hash(request),
        "result": result,
        "created_at": iso(now),
        "expires_at_epoch": epoch(now + KEEP),
    }


def replay(record: Item | None, request: dict[str, Any]) -> dict[str, Any] | None:
    """The first result if this request was seen before; KeyReused if the key came with another request."""
    if record is None:
        return None
    if record.get("request_hash") != request_hash(request):
        raise KeyReused()
    return dict(record["result"])


class _Stored(Protocol):
    """A result kept in the record: a pydantic model or a light one (shoken.strict, the payment's)."""

    def model_dump(self) -> dict[str, Any]: ...


Result = TypeVar("Result", bound=_Stored)


class Planned(Frozen, Generic[Result]):
    """One attempt's answer and its write: `write(record)` makes the change, conditioned on what was
    read, with the idempotency record in the same transaction (a ledger function)."""

    __slots__ = ("result", "write")
    result: Result
    write: Callable[[Item], None]

    def __init__(self, result: Result, write: Callable[[Item], None]) -> None:
        set_field(self, "result", result)
        set_field(self, "write", write)


def settle(
    db: Dynamo,
    clock: Clock,
    *,
    scope: str,
    idem_key: str,
    request: dict[str, Any],
    result_type: type[Result],
    plan: Callable[[Found, datetime], Planned[Result]],
    attempts: int,
    exhausted: Callable[[], Exception],
    read_keys: Sequence[Key] = (),
    admitted: Callable[[Found, datetime], None] | None = None,
) -> Result:
    """The stored-result flow: read the record (with `read_keys`, in the same round trip) → the caller
    still `admitted` → replay the first result, or plan → the conditioned write → on AlreadyRecorded
    replay; on any other refusal (something read has moved) read again, up to `attempts` times.

    A write whose outcome is unknown (throttled or timed out after botocore's retries) is answered from
    the record if it committed, else 503: the client retries with the same key and is charged once."""
    record_key = keys.idempotency(scope, idem_key)
    for attempt in range(attempts):
        now = clock.now()
        found = db.batch_get([*read_keys, record_key])
        # Checked before anything is answered, a stored result included: a caller who is no longer
        # admitted (logged out, unbound till) learns nothing.
        if admitted is not None:
            admitted(found, now)
        first = replay(found.get(record_key), request)
        if first is not None:
            return result_type(**first)
        planned = plan(found, now)
        record = item(scope, idem_key, request=request, result=planned.result.model_dump(), now=now)
        try:
            planned.write(record)
        except AlreadyRecorded:
            return _stored(db, record_key, request, result_type)
        except Refused as refused:
            if isinstance(refused, Contended):
                time.sleep(0.02 * (attempt + 1))
            continue
        except (BotoCoreError, ClientError) as error:
            logger.warning("idempotent write uncertain", extra={"error": type(error).__name__})
            stored = db.get(record_key)
            if stored is not None:
                return result_type(**(replay(stored, request) or {}))
            if not is_transient(error):
                raise classify(error) from error  # refused outright (validation): a bug, 500 and alarm
            raise WriteUncertain() from error
        return planned.result
    raise exhausted()


def _stored(db: Dynamo, record_key: Key, request: dict[str, Any], result_type: type[Result]) -> Result:
    first = replay(db.get(record_key), request)
    if first is None:
        raise ServiceUnavailable()
    return result_type(**first)
