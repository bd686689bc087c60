"""Idempotency records: the first result of a request, kept under the key its client chose.

A retried request (time-out, double tap, reload) finds the record and gets the first result; the
same key with a different request is refused. The record is written in the same transaction as the
change it guards, so there is never a change without its record or a record without its change.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from shoken.clock import epoch, iso
from shoken.db import keys
from shoken.db.dynamo import Item
from shoken.errors import Conflict

KEEP = timedelta(days=7)


class KeyReused(Conflict):
    code = "idempotency_key_reused"
    message = "同じ操作キーで異なる内容の操作が送信されました。画面を再読み込みしてから、もう一度操作してください。"


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
