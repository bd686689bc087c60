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
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shoken.db.dynamo import Dynamo, Expr, Item
from shoken.errors import InvalidRequest


class BadCursor(InvalidRequest):
    code = "invalid_cursor"
    message = "ページ情報が正しくありません。検索をやり直してください。"


def search_hash(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:16]


def encode_cursor(key: bytes, search: str, state: dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(json.dumps({"s": search, **state}, separators=(",", ":")).encode()).decode()
    mac = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}"


def decode_cursor(key: bytes, search: str, token: str | None) -> dict[str, Any] | None:
    if not token:
        return None
    body, _, mac = token.partition(".")
    if not hmac.compare_digest(hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32], mac):
        raise BadCursor()
    try:
        state: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body.encode()))
    except ValueError as error:
        raise BadCursor() from error
    if state.pop("s", None) != search:
        raise BadCursor()
    return state


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


# --- groups of partitions merged newest first (the sharded by_committee index) ---------------------


@dataclass
class _Shard:
    """One partition of a group while a page is read: what was read and not yet returned, and where
    its reading stands."""

    partition: str
    resume: dict[str, Any] | None  # exclusive start key the cursor keeps: just after the last item returned
    start: dict[str, Any] | None  # where the next read goes on (after the last item read)
    more: bool  # items may remain after `start`
    frontier: str | None = None  # sort key of the last item read (filters: the last one evaluated)
    stretch: int = 1
    buffer: list[Item] | None = None

    def held(self) -> list[Item]:
        if self.buffer is None:
            self.buffer = []
        return self.buffer


def read_groups(
    db: Dynamo,
    *,
    groups: list[list[str]],
    pk_name: str,
    index: str,
    sk_name: str,
    sk_between: tuple[str, str],
    page_size: int,
    read_budget: int,
    state: dict[str, Any] | None,
    filter_builder: Callable[[Expr], str | None] | None = None,
) -> PageResult:
    """A page across groups of partitions (a day's shards), one group after another, each group's
    partitions merged newest first by sort key and read in parallel.

    Within a group, a row is returned only once every other partition that may still hold a newer
    row has been read past it, so the order is exact. Partitions are read a little at a time (about
    the page's share of each, then half the remaining share) so that what is read and not returned
    stays small: the cursor keeps, per partition, the key of the last row it *returned*, and rows read
    beyond it are read again by the next page (items read per item returned: docs/data-model.md).
    """
    position, shards = _restore(groups, state)
    items: list[Item] = []
    read = 0
    filtered = filter_builder is not None and filter_builder(Expr()) is not None
    while position < len(groups) and len(items) < page_size:
        if shards is None:
            shards = [_Shard(p, None, None, True) for p in groups[position]]
        first_round = True
        while len(items) < page_size:
            heads = [(s.buffer[0][sk_name], n) for n, s in enumerate(shards) if s.buffer]
            newest = max(heads) if heads else None
            waiting = [
                s
                for s in shards
                if s.more and not s.buffer and (newest is None or s.frontier is None or s.frontier > newest[0])
            ]
            if not waiting:
                if newest is None:
                    break  # the group is read out
                shard = shards[newest[1]]
                row = shard.held().pop(0)
                shard.resume = _key_of(row, pk_name, sk_name, index)
                items.append(row)
                continue
            if read >= read_budget:
                break
            live = sum(1 for s in shards if s.more)
            share = (page_size - len(items)) / live
            requests = []
            for shard in waiting:
                want = max(1, math.floor(share) if first_round else math.ceil(share / 2))
                if filtered:
                    want = min(want * shard.stretch, max(1, (read_budget - read) // len(waiting)))
                shard.stretch = min(shard.stretch * 2, 64)
                requests.append((shard, want))
            first_round = False
            pages = db.query_many(
                [
                    {
                        "pk_name": pk_name,
                        "pk": shard.partition,
                        "index": index,
                        "sk_name": sk_name,
                        "sk_between": sk_between,
                        "newest_first": True,
                        "limit": limit,
                        "start_key": shard.start,
                        "filter_builder": filter_builder,
                    }
                    for shard, limit in requests
                ]
            )
            for (shard, _), page in zip(requests, pages, strict=True):
                read += page.scanned
                shard.held().extend(page.items)
                shard.start = page.last_key
                shard.more = page.last_key is not None
                if page.last_key is not None:
                    shard.frontier = str(page.last_key[sk_name]["S"])
                elif page.items:
                    shard.frontier = str(page.items[-1][sk_name])
        exhausted = all(not s.more and not s.buffer for s in shards)
        if exhausted:
            position += 1
            shards = None
            continue
        break
    if position >= len(groups):
        return PageResult(items, None, read)
    return PageResult(items, _state(position, shards), read)


def _state(position: int, shards: list[_Shard] | None) -> dict[str, Any]:
    if shards is None:
        return {"p": position, "k": None}
    keys: list[dict[str, Any] | None] = []
    done: list[int] = []
    for n, shard in enumerate(shards):
        if shard.buffer:
            keys.append(shard.resume)  # rows read but not returned are read again
        elif shard.more:
            keys.append(shard.start)  # all it read was returned or filtered out: go on after it
        else:
            keys.append(None)
            done.append(n)
    return {"p": position, "k": keys, "d": done}


def _restore(groups: list[list[str]], state: dict[str, Any] | None) -> tuple[int, list[_Shard] | None]:
    if not state:
        return 0, None
    try:
        position = int(state["p"])
        keys = state["k"]
        if keys is None:
            return position, None
        partitions = groups[position]
        done = {int(n) for n in state.get("d", [])}
        if not isinstance(keys, list) or len(keys) != len(partitions):
            raise BadCursor()
        return position, [
            _Shard(p, key, key, n not in done) for n, (p, key) in enumerate(zip(partitions, keys, strict=True))
        ]
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise BadCursor() from error


def _key_of(row: Item, pk_name: str, sk_name: str, index: str | None) -> dict[str, Any]:
    return {name: _raw(row[name]) for name in _key_names(pk_name, sk_name, index) if name in row}
