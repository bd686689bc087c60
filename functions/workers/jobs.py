"""Running jobs: which runner serves which job kind, and when a stream change means "run now"."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from shoken.db import jobs as job_items
from shoken.db.dynamo import Item
from shoken.observability import logger
from shoken.runtime import Runtime

# Stop a lap this long before the Lambda's time runs out, to save the checkpoint.
SAFETY_MS = 60_000

Runner = Callable[[Runtime, Item, Callable[[], bool]], None]


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
    starting = old is None and new.get("state") == "queued"
    continuing = old is not None and new.get("state") == "running" and int(new.get("lap", 0)) > int(old.get("lap", 0))
    if not (starting or continuing):
        return
    runner = runners().get(str(new.get("job_kind")))
    if runner is None:
        logger.warning("no runner for job kind", extra={"job_kind": new.get("job_kind")})
        return
    deadline = time.monotonic() + max(context.get_remaining_time_in_millis() - SAFETY_MS, 5_000) / 1000
    job = job_items.get(rt.db, str(new["job_id"]))  # strongly consistent: the stream image may be stale
    if job is None or job.get("state") in ("done", "failed") or int(job.get("lap", 0)) != int(new.get("lap", 0)):
        return
    if not job_items.claim_lap(rt.db, str(job["job_id"]), int(job.get("lap", 0)), rt.clock.now()):
        return  # a duplicate delivery of a lap another worker holds, or the schedule moved the job on
    try:
        runner(rt, job, lambda: time.monotonic() > deadline)
    except Exception as error:
        logger.exception("job failed", extra={"job_id": job["job_id"]})
        job_items.update(
            rt.db,
            str(job["job_id"]),
            rt.clock.now(),
            state="failed",
            message=f"処理中にエラーが発生しました ({type(error).__name__})",
        )
