"""Running jobs: which runner serves which job kind, when a stream change means "run now", and the
one driver of a job that goes through pages of rows in laps (reminders, results mail, lapse, grants,
the retention's wallets): each of those is a page reader and a step per row."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shoken.db import jobs as job_items
from shoken.db import programmes
from shoken.db.dynamo import Item
from shoken.observability import logger
from shoken.runtime import Runtime
from shoken.status import JobState

# Stop a lap this long before the Lambda's time runs out, to save the checkpoint.
SAFETY_MS = 60_000

Runner = Callable[[Runtime, Item, Callable[[], bool]], None]

# A page of rows from a start key (None: the first page), and the key of the next page (None: the last).
Pages = Callable[[Any], tuple[list[Any], Any]]
Checkpoint = dict[str, Any]


def holders(rt: Runtime, programme_id: str) -> Pages:
    """The pages of a programme's holders (the wallets that ever held its value)."""
    return lambda start_key: programmes.holders(rt.db, programme_id, start_key=start_key)


def fail(rt: Runtime, job: Item, message: str, **fields: Any) -> None:
    job_items.update(rt.db, str(job["job_id"]), rt.clock.now(), state=JobState.FAILED, message=message, **fields)


def each_page(
    checkpoint: Checkpoint,
    pages: Pages,
    step: Callable[[Any, Checkpoint], None],
    should_pause: Callable[[], bool],
    *,
    key: str = "key",
    saved: Callable[[], None] | None = None,
) -> bool:
    """Run `step` on every row of every page from the page `checkpoint[key]` names, keeping the next
    page's key there after each page (and calling `saved`). False when the lap's time is up before the
    last row: the caller saves the checkpoint and asks for another lap, which resumes at that page.

    The time is looked at before every row, not only between pages: a mail page waits for its slots of
    the shared SES rate and can outlast the lap's margin. A lap stopped inside a page keeps the rows it
    has done there (PAGE_DONE), so the next lap reads the page again and skips exactly those, whatever
    rows were added to or removed from it in between. Every lap does at least one row."""
    progressed = False
    while True:
        start = checkpoint.get(key)
        rows, following = pages(start)
        done_here = set(checkpoint.get(PAGE_DONE) or ())
        seen = set()
        for row in rows:
            row_id = _row_id(row)
            seen.add(row_id)
            if row_id in done_here:
                continue
            if progressed and should_pause():
                checkpoint[key], checkpoint[PAGE_DONE] = start, sorted(done_here)
                return False
            step(row, checkpoint)
            done_here.add(row_id)
            progressed = True
        # Rows done before that this read of the page did not reach (rows added ahead of them pushed
        # them onto the next page) are still done: they are carried until they come up.
        carried = done_here - seen
        if carried:
            checkpoint[PAGE_DONE] = sorted(carried)
        else:
            checkpoint.pop(PAGE_DONE, None)
        checkpoint[key] = following
        if not following:
            return True
        if should_pause():
            return False
        if saved is not None:
            saved()


PAGE_DONE = "page_done"  # the rows done of the page a lap stopped in


def _row_id(row: Any) -> str:
    """A page's row by its identity: a wallet id, or an item's key."""
    return row if isinstance(row, str) else f"{row.get('PK')}|{row.get('SK')}"


@dataclass(frozen=True)
class Pass:
    """A job that is one pass over pages of rows: what it says while running, and what it counts (the
    first name counts the rows seen, the job's done_count)."""

    running: str
    counted: tuple[str, ...]

    @property
    def seen(self) -> str:
        return self.counted[0]


def through_pages(
    rt: Runtime,
    job: Item,
    should_pause: Callable[[], bool],
    what: Pass,
    pages: Pages,
    step: Callable[[Any, Checkpoint], None],
    **fields: Any,
) -> Checkpoint | None:
    """Run the pass from where the job's checkpoint left off, each page's progress saved, another lap
    asked for when the time is up (None is returned then). Returns the checkpoint once the last page
    is done. A page repeated after a lap that died is run again, so each step must be safe to repeat
    (a conditioned mark or write)."""
    job_id = str(job["job_id"])
    # counters added since a checkpoint was saved start at 0
    checkpoint: Checkpoint = {**dict.fromkeys(what.counted, 0), **(job.get("checkpoint") or {})}
    job_items.update(rt.db, job_id, rt.clock.now(), state=JobState.RUNNING, message=what.running, **fields)

    def saved() -> None:
        job_items.update(rt.db, job_id, rt.clock.now(), checkpoint=checkpoint, done_count=checkpoint[what.seen])

    if each_page(checkpoint, pages, step, should_pause, saved=saved):
        return checkpoint
    job_items.pause(rt.db, job_id, rt.clock.now(), checkpoint, done_count=checkpoint[what.seen])
    return None


def done(rt: Runtime, job: Item, message: str, **fields: Any) -> None:
    job_items.update(rt.db, str(job["job_id"]), rt.clock.now(), state=JobState.DONE, message=message, **fields)


def finish(rt: Runtime, job: Item, what: Pass, checkpoint: Checkpoint, message: str, *, total: int = 0) -> None:
    """The pass is done: its counters kept, its rows seen (of at least `total`)."""
    count = int(checkpoint[what.seen])
    done(rt, job, message, checkpoint=checkpoint, done_count=count, total_count=max(total, count))


def runners() -> dict[str, Runner]:
    from shoken import history_migration
    from workers import bulk, export, grant, lapse, privacy, remind, residents, sale

    return {
        "bulk_upload": bulk.run,
        "grant": grant.run,
        "lapse": lapse.run,
        "export": export.run,
        "remind": remind.run,
        "resident_list": residents.run,
        "retention": privacy.run_retention,
        "disclosure": privacy.run_disclosure,
        "sale_draw": sale.run_draw,  # issue 15
        "sale_notify": sale.run_notify,
        "sale_round2": sale.run_second_round,
        history_migration.JOB_KIND: history_migration.run,  # issue 13.8, for tables written before sharding
    }


def on_change(rt: Runtime, old: Item | None, new: Item, context: Any) -> None:
    starting = old is None and new.get("state") == JobState.QUEUED
    continuing = (
        old is not None and new.get("state") == JobState.RUNNING and int(new.get("lap", 0)) > int(old.get("lap", 0))
    )
    if not (starting or continuing):
        return
    runner = runners().get(str(new.get("job_kind")))
    if runner is None:
        logger.warning("no runner for job kind", extra={"job_kind": new.get("job_kind")})
        return
    deadline = time.monotonic() + max(context.get_remaining_time_in_millis() - SAFETY_MS, 5_000) / 1000
    job = job_items.get(rt.db, str(new["job_id"]))  # strongly consistent: the stream image may be stale
    finished = job is None or job.get("state") in (JobState.DONE, JobState.FAILED)
    if job is None or finished or int(job.get("lap", 0)) != int(new.get("lap", 0)):
        return
    if not job_items.claim_lap(rt.db, str(job["job_id"]), int(job.get("lap", 0)), rt.clock.now()):
        return  # a duplicate delivery of a lap another worker holds, or the schedule moved the job on
    try:
        runner(rt, job, lambda: time.monotonic() > deadline)
    except Exception as error:
        logger.exception("job failed", extra={"job_id": job["job_id"]})
        fail(rt, job, f"処理中にエラーが発生しました ({type(error).__name__})")
