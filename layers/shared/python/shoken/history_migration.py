"""Moving a deployed table's transactions to the sharded by_committee keys (issue 13.8).

Transactions written before the committee day was sharded carry `hist_committee = ACQ#<committee>#<day>`;
the history screen reads only `ACQ#<committee>#<day>#<shard>`. This job finds the old rows by their old
partition (a Query of the by_committee index per committee and day, never a Scan) and rewrites each
row's `hist_committee` to its shard, on the condition that it still holds the old value.

- Idempotent and re-run safe: a row already moved fails the condition and is counted, not written;
  a second run over the same days finds the old partitions empty.
- Resumable: the checkpoint (committee, day, the Query's last key, counts) is saved after each page of
  at most PAGE rows, so a lap that dies repeats at most one page (harmlessly: each move is conditioned).
- Paced: at most `rate` rows a second (default RATE), so the rewrite, whose index updates cost about
  two writes a row, leaves the table's capacity to the live payments.

Started by the schedule function ({"job": "migrate_history", ...}, docs/deploy.md) and run by the job
runner like any long job; locally `make migrate-history FROM=YYYY-MM-DD`.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from shoken.clock import jst_date
from shoken.db import committees, keys
from shoken.db import jobs as job_items
from shoken.db.dynamo import ConditionFailed, Expr, Item
from shoken.runtime import Runtime
from shoken.status import JobState

JOB_KIND = "history_migration"
PAGE = 100
RATE = 200  # rows a second


class MigrationRefused(ValueError):
    """The request cannot start a migration (its dates or committee)."""


def old_partition(committee_id: str, day: str) -> str:
    """`hist_committee` as it was written before sharding."""
    return f"ACQ#{committee_id}#{day}"


def queue(rt: Runtime, *, date_from: str, date_to: str | None = None, committee_id: str | None = None) -> Item:
    """Queue a migration of every committee (or one) over the JST days from date_from to date_to
    (default: today). Each request queues a new job; running one twice is harmless."""
    today = jst_date(rt.clock.now())
    last = date_to or today
    try:
        first_day, last_day = date.fromisoformat(date_from), date.fromisoformat(last)
    except (TypeError, ValueError) as error:
        raise MigrationRefused(f"dates are YYYY-MM-DD: {date_from!r}, {last!r}") from error
    if first_day > last_day:
        raise MigrationRefused("date_from is after date_to")
    known = [str(c["committee_id"]) for c in committees.list_all(rt.db)]
    if committee_id is not None and committee_id not in known:
        raise MigrationRefused(f"no committee {committee_id!r}")
    now = rt.clock.now()
    record = job_items.item(
        f"history-migration-{now.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(4)}",
        job_kind=JOB_KIND,
        owner={"user_id": "schedule", "role": "system"},
        scope={},
        params={
            "committee_ids": [committee_id] if committee_id else known,
            "date_from": first_day.isoformat(),
            "date_to": last_day.isoformat(),
        },
        now=now,
        label="取引履歴の移行 (委員会の日別索引の分割)",
    )
    job_items.create(rt.db, record)
    return record


def run(
    rt: Runtime,
    job: Item,
    should_pause: Callable[[], bool],
    *,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> None:
    """One lap of a migration job: old rows moved page by page until the days are done or the lap ends."""
    job_id = str(job["job_id"])
    params = job["params"]
    committee_ids = [str(c) for c in params["committee_ids"]]
    rate = float(params.get("rate") or RATE)
    checkpoint: dict[str, Any] = dict(
        job.get("checkpoint") or {"c": 0, "day": params["date_from"], "key": None, "moved": 0, "already": 0}
    )
    job_items.update(rt.db, job_id, rt.clock.now(), state=JobState.RUNNING, message="移行中")
    began, done_this_lap = monotonic(), 0
    while checkpoint["c"] < len(committee_ids):
        committee_id = committee_ids[checkpoint["c"]]
        page = rt.db.query(
            index="by_committee",
            pk_name="hist_committee",
            pk=old_partition(committee_id, checkpoint["day"]),
            limit=PAGE,
            start_key=checkpoint["key"],
        )
        for row in page.items:
            if _move(rt, committee_id, checkpoint["day"], row):
                checkpoint["moved"] += 1
            else:
                checkpoint["already"] += 1
        done_this_lap += len(page.items)
        checkpoint["key"] = page.last_key
        if not page.last_key:
            _next_day(checkpoint, str(params["date_from"]), str(params["date_to"]))
        # Paced: this lap has moved no more than `rate` rows a second.
        ahead = done_this_lap / rate - (monotonic() - began)
        if ahead > 0:
            sleep(ahead)
        if checkpoint["c"] < len(committee_ids) and should_pause():
            job_items.pause(rt.db, job_id, rt.clock.now(), checkpoint, done_count=checkpoint["moved"])
            return
        # Saved after every page, so a lap that dies (a time-out) repeats at most the page it was on.
        job_items.update(rt.db, job_id, rt.clock.now(), checkpoint=checkpoint, done_count=checkpoint["moved"])
    job_items.update(rt.db, job_id, rt.clock.now(), state=JobState.DONE, checkpoint=checkpoint, **_summary(checkpoint))


def _summary(checkpoint: dict[str, Any]) -> dict[str, Any]:
    """What the finished job says: rows moved by this run, and found moved already."""
    moved, already = checkpoint["moved"], checkpoint["already"]
    return {
        "done_count": moved,
        "total_count": moved + already,
        "message": f"{moved:,}件の取引を移行しました (移行済み {already:,}件)。",
    }


def _next_day(checkpoint: dict[str, Any], first: str, last: str) -> None:
    """On to the next day, or to the next committee's first day after the last."""
    day = (date.fromisoformat(checkpoint["day"]) + timedelta(days=1)).isoformat()
    if day > last:
        checkpoint["c"] += 1
        day = first
    checkpoint["day"] = day


def _move(rt: Runtime, committee_id: str, day: str, row: Item) -> bool:
    """Rewrite one row's partition to its shard; False when it was moved already."""
    old = old_partition(committee_id, day)
    new = keys.committee_history(committee_id, day, keys.history_shard(str(row["number"])))
    expr = Expr()
    try:
        rt.db.update(
            (str(row["PK"]), str(row["SK"])),
            f"SET {expr.n('hist_committee')} = {expr.v(new)}",
            expr,
            condition=f"{expr.n('hist_committee')} = {expr.v(old)}",
            returns="NONE",
        )
    except ConditionFailed:
        return False
    return True
