"""Paged reads across a list of partitions (days or months, newest first) with tamper-proof cursors.

A page reads at most `read_budget` items, so a page with residual filters costs a bounded amount
whatever the table holds; the cursor says where to continue and is signed together with a hash of
the search, so it cannot be edited or replayed against another search or scope.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shoken.db.dynamo import Dynamo, Expr, Item
from shoken.errors import DomainError, InvalidRequest


class BadCursor(DomainError, InvalidRequest):
    code = "invalid_cursor"


def search_hash(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:16]


def encode_cursor(key: bytes, search: str, state: dict[str, Any], *, compress: bool = False) -> str:
    """A signed cursor; `compress` deflates a large state first (marked "~", outside base64's alphabet)."""
    raw = json.dumps({"s": search, **state}, separators=(",", ":"), ensure_ascii=not compress).encode()
    body = "~" + _b64(zlib.compress(raw, 9)) if compress else _b64(raw)
    mac = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}"


def decode_cursor(key: bytes, search: str, token: str | None) -> dict[str, Any] | None:
    if not token:
        return None
    if not token.isascii():  # a cursor this code made is base64 and hex: anything else was not
        raise BadCursor()
    body, _, mac = token.partition(".")
    if not hmac.compare_digest(hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32], mac):
        raise BadCursor()
    try:
        raw = base64.urlsafe_b64decode(body.removeprefix("~").encode())
        state: dict[str, Any] = json.loads(zlib.decompress(raw) if body.startswith("~") else raw)
    except (ValueError, zlib.error) as error:
        raise BadCursor() from error
    if not isinstance(state, dict) or state.pop("s", None) != search:
        raise BadCursor()
    return state


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


@dataclass
class PageResult:
    items: list[Item]
    state: dict[str, Any] | None  # where the next page starts; None when the search is exhausted
    read: int  # items DynamoDB evaluated (read capacity is paid for these)


def read_partitions(
    db: Dynamo,
    *,
    partitions: list[str],
    pk_name: str,
    index: str | None,
    sk_name: str,
    sk_between: tuple[str, str] | None,
    page_size: int,
    read_budget: int,
    state: dict[str, Any] | None,
    filter_builder: Callable[[Expr], str | None] | None = None,
    newest_first: bool = True,
) -> PageResult:
    position = int(state["p"]) if state else 0
    start_key = state.get("k") if state else None
    items: list[Item] = []
    read = 0
    stretch = 1  # with a filter, read just what is wanted first, then twice as much each time it falls short
    while position < len(partitions) and len(items) < page_size and read < read_budget:
        expr = Expr()
        filter_expr = filter_builder(expr) if filter_builder else None
        wanted = page_size - len(items)
        limit = wanted if filter_expr is None else min(read_budget - read, wanted * stretch)
        stretch = min(stretch * 2, 64)
        page = db.query(
            pk_name=pk_name,
            pk=partitions[position],
            index=index,
            sk_name=sk_name,
            sk_between=sk_between,
            newest_first=newest_first,
            limit=limit,
            start_key=start_key,
            filter_expr=filter_expr,
            expr=expr,
        )
        read += page.scanned
        taken = page.items[:wanted]
        items.extend(taken)
        if len(taken) < len(page.items):
            # More matched than fit: continue after the last item returned, not the last one read.
            last = taken[-1]
            start_key = {name: _raw(last[name]) for name in _key_names(pk_name, sk_name, index) if name in last}
            break
        if page.last_key:
            start_key = page.last_key
            continue
        position += 1
        start_key = None
    if position >= len(partitions):
        return PageResult(items, None, read)
    return PageResult(items, {"p": position, "k": start_key}, read)


def _key_names(pk_name: str, sk_name: str, index: str | None) -> list[str]:
    names = [pk_name, sk_name]
    if index:
        names += ["PK", "SK"]
    return names


def _raw(value: Any) -> dict[str, str]:
    return {"S": str(value)}
