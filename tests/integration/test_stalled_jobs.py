"""Jobs whose worker died are resumed by the next scheduled run (issue 13, ops 4).

A lap is claimed with a lease (shoken.db.jobs.claim_lap); the schedule gives a job a new lap when its
lap was claimed and the lease passed, or when its message never arrived. Runners are safe to run
again, so a resumed job finishes with each effect made once.
"""

from __future__ import annotations

from datetime import timedelta

from local.streams import Stream
from shoken import money
from shoken.clock import JST, FrozenClock
from shoken.db import jobs, keys, transactions, wallets
from shoken.runtime import Runtime
from tests.integration.conftest import City
from tests.support import mailbox
from tests.support.world import World


def day(rt: Runtime, n: int) -> str:
    return (rt.clock.now() + timedelta(days=n)).astimezone(JST).date().isoformat()


def holder(rt: Runtime, world: World, city: City, email: str, *, ends: str) -> str:
    terms = money.ProgrammeTerms("P1", 10_000, {money.VoucherType.COMMON: 13_000}, day(rt, -60), ends)
    buckets = money.purchase_buckets(terms, 1, source=email, created_at=world.now)
    record = world.wallet(city.committee, email, buckets=buckets)
    world.put(wallets.holder_item("P1", str(record["wallet_id"])))
    return str(record["wallet_id"])


def test_a_lapse_job_whose_worker_died_is_resumed_by_the_next_schedule_and_lapses_once(
    rt: Runtime, world: World, city: City, clock: FrozenClock, stream: Stream
) -> None:
    from workers import schedule

    # Given a programme that ended yesterday, a resident holding its value, and its lapse job queued
    world.programme(city.committee, "P1", use_end=day(rt, -1), use_start=day(rt, -60), sale_end=day(rt, -30))
    wallet_id = holder(rt, world, city, "hanako@example.jp", ends=day(rt, -1))
    [job_id] = schedule.queue_lapses(rt, day(rt, 0))
    # And a worker that claimed its first lap and died (time-out, out of memory)
    assert jobs.claim_lap(rt.db, job_id, 0, rt.clock.now())
    stream.drain()  # a second delivery of the same lap keeps off while the lease is live
    assert (jobs.get(rt.db, job_id) or {})["state"] == "queued"
    # When the schedule runs within the lease, Then the live lap is left alone
    assert schedule.resume_stalled(rt) == []
    # When it runs after the lease has passed, Then the job gets a new lap, once
    clock.advance(minutes=21)
    assert schedule.resume_stalled(rt) == [job_id]
    assert schedule.resume_stalled(rt) == []
    stream.drain()
    # And the resumed lap finishes the job: the value lapsed once, the wallet keeps no expired bucket
    job = jobs.get(rt.db, job_id)
    assert job is not None and job["state"] == "done" and int(job["resumes"]) == 1, job
    held = wallets.get(rt.db, wallet_id)
    assert (held.buckets if held else []) == []
    lapses = [t for t in transactions.of_committee_day(rt.db, "1", day(rt, 0)) if t["txn_type"] == "lapse"]
    assert [(t["wallet_id"], t["amount"]) for t in lapses] == [(wallet_id, 13_000)]
    # And a finished job leaves the open list, so later runs do not look at it again
    assert schedule.resume_stalled(rt) == [] and job_id not in jobs.open_jobs(rt.db)


def test_a_reminder_job_whose_message_was_lost_is_resumed_and_mails_once(
    rt: Runtime, world: World, city: City, clock: FrozenClock
) -> None:
    from workers import schedule

    # Given a reminder job queued while no worker heard of it (its message was lost)
    ends = day(rt, 30)
    world.programme(city.committee, "P1", use_end=ends)
    holder(rt, world, city, "hanako@example.jp", ends=ends)
    [job_id] = schedule.queue_reminders(rt, day(rt, 0))
    stream = Stream(rt.config.table_name, from_start=False)  # the job's own record is not delivered
    clock.advance(minutes=21)
    # When the next schedule runs, Then it resumes the job and the resident gets one mail
    assert schedule.resume_stalled(rt) == [job_id]
    stream.drain()
    assert (jobs.get(rt.db, job_id) or {})["state"] == "done"
    sent = [m for m in mailbox.sent() if "有効期限が近づいています" in m["subject"]]
    assert [m["to"] for m in sent] == [["hanako@example.jp"]]
    # And the next schedule finds nothing to resume, and the job has left the open list
    assert schedule.resume_stalled(rt) == []
    assert rt.db.get(keys.open_job(job_id)) is None
