"""Moving a deployed table's pre-sharding history rows to the sharded keys (issue 13.8).

Given transactions written with the old `ACQ#<committee>#<day>` partition, the migration job (queued
by the schedule function as in AWS, run by the job runner from the stream) leaves every row once
under its shard: across laps, after a lap that dies half-way, and when it is run again.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from local.apigw import FakeLambdaContext
from local.streams import Stream
from shoken import history_migration
from shoken.clock import jst_date
from shoken.db import jobs as job_items
from shoken.db import keys, transactions
from shoken.db.dynamo import Item
from shoken.runtime import Runtime
from tests.integration.test_history_paging import transaction
from tests.support.world import World
from workers import jobs as runners
from workers import schedule

TODAY = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
DAYS = ["2026-11-26", "2026-11-27", "2026-11-28"]


@pytest.fixture
def old_rows(rt: Runtime, world: World) -> list[Item]:
    """250 transactions of two committees over three days, written with the unsharded partition."""
    rng = random.Random(8)
    committees = [world.committee("1"), world.committee("2", service_id="other", name="別の委員会")]
    rows = []
    for n in range(250):
        committee = committees[n % 2]
        at = TODAY - timedelta(days=1 + n % 3, seconds=rng.randrange(40_000))
        row = transaction(committee, f"{rng.randrange(10**18):018d}", at, n=n)
        row["hist_committee"] = history_migration.old_partition(str(committee["committee_id"]), jst_date(at))
        rows.append(row)
    rt.db.batch_put(rows)
    return rows


def placed(rt: Runtime) -> tuple[Counter[str], int]:
    """How many times each number is found under the sharded keys, and how many rows remain old."""
    found: Counter[str] = Counter()
    left = 0
    for committee_id in ("1", "2"):
        for day in DAYS:
            found.update(str(r["number"]) for r in transactions.of_committee_day(rt.db, committee_id, day))
            old = history_migration.old_partition(committee_id, day)
            left += len(list(rt.db.query_all(index="by_committee", pk_name="hist_committee", pk=old)))
    return found, left


def queue(**event: Any) -> dict[str, Any]:
    reply: dict[str, Any] = schedule.lambda_handler(
        {"job": schedule.MIGRATE_HISTORY, **event}, FakeLambdaContext("shoken-schedule", 900_000)
    )
    return reply


def test_every_old_row_moves_to_its_shard_once_across_laps_and_reruns(
    rt: Runtime, old_rows: list[Item], stream: Stream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_migration, "PAGE", 20)
    laps = []

    def pausing(rt: Runtime, job: Item, should_pause: Any) -> None:
        laps.append(job.get("checkpoint"))
        history_migration.run(rt, job, lambda: True)  # every lap ends after one page

    monkeypatch.setattr(runners, "runners", lambda: {history_migration.JOB_KIND: pausing})
    # Given the old rows are invisible to the sharded reader
    assert placed(rt) == (Counter(), len(old_rows))
    # When the migration is queued as in AWS and the job runner works through it, lap after lap
    first = queue(date_from=DAYS[0], date_to=DAYS[-1])
    stream.drain(rounds=400)
    job = job_items.get(rt.db, first["job_id"])
    assert job is not None and job["state"] == "done", job
    # Then every row is under its shard exactly once and none is left under the old key
    found, left = placed(rt)
    assert found == Counter(str(r["number"]) for r in old_rows) and left == 0
    assert all(n == 1 for n in found.values())
    for row in old_rows:
        moved = transactions.get(rt.db, str(row["number"]))
        assert moved is not None and moved.item["hist_committee"] == keys.committee_history(
            str(row["committee_id"]),
            jst_date(datetime.fromisoformat(str(row["occurred_at"]))),
            keys.history_shard(str(row["number"])),
        )
    # And it went in many laps, each continuing from the last one's checkpoint
    assert len(laps) >= len(old_rows) // 20 and job["done_count"] == len(old_rows)
    # When it is run again over the same days
    again = queue(date_from=DAYS[0], date_to=DAYS[-1])
    stream.drain(rounds=100)
    rerun = job_items.get(rt.db, again["job_id"])
    # Then it finds nothing to move and changes nothing
    assert rerun is not None and rerun["state"] == "done" and rerun["done_count"] == 0
    assert placed(rt) == (found, 0)


def test_a_lap_that_dies_half_way_is_finished_by_the_next_run(
    rt: Runtime, old_rows: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a migration that saved its checkpoint after two pages, then whose next lap dies after
    # moving rows up to the 70th
    monkeypatch.setattr(history_migration, "PAGE", 30)
    job = history_migration.queue(rt, date_from=DAYS[0], date_to=DAYS[-1])
    real_move = history_migration._move
    calls = {"n": 0}

    def dying(rt: Runtime, committee_id: str, day: str, row: Item) -> bool:
        calls["n"] += 1
        if calls["n"] > 70:
            raise RuntimeError("the Lambda ran out of time")
        return real_move(rt, committee_id, day, row)

    monkeypatch.setattr(history_migration, "_move", dying)
    pauses = iter([False, True])  # the first page goes on, the second ends the lap and saves
    history_migration.run(rt, job, lambda: next(pauses, False))
    paused = job_items.get(rt.db, str(job["job_id"]))
    assert paused is not None and paused["checkpoint"]["moved"] == calls["n"] <= 60
    saved = calls["n"]
    with pytest.raises(RuntimeError):
        history_migration.run(rt, paused, lambda: False)
    assert placed(rt)[1] == len(old_rows) - 70
    # When the next lap starts from the saved checkpoint (repeating the page the dead lap half did)
    monkeypatch.setattr(history_migration, "_move", real_move)
    history_migration.run(rt, paused, lambda: False)
    # Then every row is under its shard once (the rows the dead lap moved are not moved again)
    found, left = placed(rt)
    assert left == 0 and sorted(found) == sorted(str(r["number"]) for r in old_rows)
    assert set(found.values()) == {1}
    done = job_items.get(rt.db, str(job["job_id"]))
    assert done is not None and done["state"] == "done"
    assert done["checkpoint"]["moved"] + done["checkpoint"]["already"] == len(old_rows) - (70 - saved)


def test_the_migration_is_paced_and_refuses_bad_requests(
    rt: Runtime, old_rows: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a rate of 50 rows a second
    job = history_migration.queue(rt, date_from=DAYS[0], date_to=DAYS[-1], committee_id="1")
    job["params"]["rate"] = 50
    slept: list[float] = []
    # When one committee's 125 rows are moved, on a clock that only sleeping moves
    history_migration.run(rt, job, lambda: False, sleep=slept.append, monotonic=lambda: sum(slept))
    # Then the lap took 125 / 50 seconds: no faster than the rate, pausing after each page
    assert abs(sum(slept) - 125 / 50) < 1e-9 and len(slept) > 1, slept
    assert placed(rt)[1] == len(old_rows) - 125
    # And a request with bad dates or an unknown committee is refused with its reason
    assert "error" in queue(date_from="2026/11/26")
    assert "error" in queue(date_from=DAYS[-1], date_to=DAYS[0])
    assert "error" in queue(date_from=DAYS[0], committee_id="9")
