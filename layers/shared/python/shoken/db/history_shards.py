"""Pages across groups of partitions merged newest first: the sharded by_committee index (issue 13.8).

A day of a committee is spread over shards (shoken.db.keys.HISTORY_SHARDS); a page merges them by
sort key. To know that a row is the next newest, every other shard that may hold a newer one must have
been read past it, so a page ends with a few rows read and not returned (the heads that proved the
order). Those rows travel in the page's state (the next page returns them from there), and each shard
continues after the last row it *read*: every row is read once, whatever the page size. When the
state must stay small (a cursor in a URL), `fits` says how much it may hold; rows that do not fit are
dropped from the state newest-last and read again by the next page.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shoken.db.dynamo import Dynamo, Expr, Item
from shoken.db.paging import BadCursor, PageResult


@dataclass
class _Shard:
    """One partition of a group while a page is read: what was read and not yet returned, and where
    its reading stands."""

    partition: str
    start: dict[str, Any] | None  # where the next read goes on (just after the last item read)
    more: bool  # items may remain after `start`
    buffer: list[Item] = field(default_factory=list)  # read, not returned yet, newest first
    resume: dict[str, Any] | None = None  # just after the last item returned (None: none yet)
    # False while a shard restored with carried rows has returned none of them: where its reading
    # would start before them is not known, so its first carried row is never dropped
    resume_known: bool = True
    frontier: str | None = None  # sort key of the last item read (filters: the last one evaluated)
    stretch: int = 1


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
    fits: Callable[[dict[str, Any]], bool] | None = None,
) -> PageResult:
    """A page across groups of partitions (a day's shards), one group after another, each group's
    partitions merged newest first by sort key and read in parallel.

    Within a group, a row is returned only once every other partition that may still hold a newer
    row has been read past it, so the order is exact. Partitions are read a little at a time (about
    the page's share of each, then half the remaining share), so the rows carried to the next page
    stay few (items read per item returned: docs/data-model.md).
    """
    position, shards = _restore(groups, state, pk_name, sk_name, index)
    items: list[Item] = []
    read = 0
    filtered = filter_builder is not None and filter_builder(Expr()) is not None
    while position < len(groups) and len(items) < page_size:
        if shards is None:
            shards = [_Shard(p, None, True) for p in groups[position]]
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
                row = shard.buffer.pop(0)
                shard.resume = _key_of(row, shard.partition, pk_name, sk_name, index)
                shard.resume_known = True
                items.append(row)
                continue
            if read >= read_budget:
                break
            # Every live shard holding less than its share of the rest of the page is topped up in the
            # same round (rows read beyond the page are carried, not lost): about 3 rounds a page.
            share = math.ceil((page_size - len(items)) / sum(1 for s in shards if s.more))
            topped = [s for s in shards if s in waiting or (s.more and len(s.buffer) < share)]
            requests = []
            for shard in topped:
                want = share + 1 - len(shard.buffer)
                if filtered:
                    want = min(want * shard.stretch, max(1, (read_budget - read) // len(topped)))
                    shard.stretch = min(shard.stretch * 2, 64)
                requests.append((shard, want))
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
                shard.buffer.extend(page.items)
                shard.start = page.last_key
                shard.more = page.last_key is not None
                if page.last_key is not None:
                    shard.frontier = str(page.last_key[sk_name]["S"])
                elif page.items:
                    shard.frontier = str(page.items[-1][sk_name])
        if all(not s.more and not s.buffer for s in shards):
            position += 1
            shards = None
            continue
        break
    if position >= len(groups):
        return PageResult(items, None, read)
    if shards is not None and fits is not None:
        _shrink(shards, fits, position, pk_name, sk_name, index)
    return PageResult(items, _state(position, shards), read)


def _shrink(
    shards: list[_Shard],
    fits: Callable[[dict[str, Any]], bool],
    position: int,
    pk_name: str,
    sk_name: str,
    index: str,
) -> None:
    """Drop carried rows, the oldest first (the next page would return them last), until the state
    fits; a shard that loses rows goes back to reading just after the last row it keeps."""
    while not fits(_state(position, shards)):
        holding = [s for s in shards if len(s.buffer) > (0 if s.resume_known else 1)]
        if not holding:
            return
        shard = min(holding, key=lambda s: str(s.buffer[-1][sk_name]))
        shard.buffer.pop()
        shard.more = True
        shard.start = (
            _key_of(shard.buffer[-1], shard.partition, pk_name, sk_name, index) if shard.buffer else shard.resume
        )


def _state(position: int, shards: list[_Shard] | None) -> dict[str, Any]:
    """Where the next page starts: the group, each shard's next read, the shards read out ("d"), and
    per shard the rows read and not returned ("c": [[shard, rows newest first], ...])."""
    if shards is None:
        return {"p": position, "k": None}
    return {
        "p": position,
        "k": [s.start if s.more else None for s in shards],
        "d": [n for n, s in enumerate(shards) if not s.more],
        "c": [[n, list(s.buffer)] for n, s in enumerate(shards) if s.buffer],
    }


def _restore(
    groups: list[list[str]], state: dict[str, Any] | None, pk_name: str, sk_name: str, index: str
) -> tuple[int, list[_Shard] | None]:
    if not state:
        return 0, None
    try:
        position = int(state["p"])
        starts = state["k"]
        if starts is None:
            return position, None
        partitions = groups[position]
        done = {int(n) for n in state.get("d", [])}
        if not isinstance(starts, list) or len(starts) != len(partitions):
            raise BadCursor()
        shards = []
        for n, (partition, start) in enumerate(zip(partitions, starts, strict=True)):
            if start is not None and not isinstance(start.get(sk_name, {}).get("S"), str):
                raise BadCursor()
            shard = _Shard(partition, start, n not in done)
            shard.frontier = str(start[sk_name]["S"]) if start else None
            # Every row before `start` was returned by an earlier page (or is carried, below): a shard
            # that drops all it reads on this page goes back there, never to its partition's first row.
            shard.resume = start
            shards.append(shard)
        for n, rows in state.get("c", []):
            if not isinstance(rows, list) or not all(isinstance(r, dict) and sk_name in r for r in rows):
                raise BadCursor()
            shards[int(n)].buffer = rows
            shards[int(n)].resume_known = False
        return position, shards
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        raise BadCursor() from error


def _key_of(row: Item, partition: str, pk_name: str, sk_name: str, index: str | None) -> dict[str, Any]:
    """The exclusive start key just after `row` in its partition (the index keys and the table's)."""
    key = {pk_name: {"S": partition}, sk_name: {"S": str(row[sk_name])}}
    if index:
        key.update({name: {"S": str(row[name])} for name in ("PK", "SK") if name in row})
    return key
