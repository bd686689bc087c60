"""Background jobs (bulk registration, CSV exports, bulk grants): one item each, run by the workers
function from the table's stream. A long job saves its checkpoint and bumps `lap`; the stream
delivers that change and the next invocation continues, so no job is bound by one Lambda's time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shoken.clock import epoch, iso
from shoken.db import keys
from shoken.db.dynamo import ConditionFailed, Dynamo, Expr, Item, TransactionFailed
from shoken.principal import Principal
from shoken.roles import Role
from shoken.status import JobState

STATE_LABELS: dict[str, str] = {
    JobState.QUEUED: "待機中",
    JobState.RUNNING: "作成中",
    JobState.DONE: "完了",
    JobState.FAILED: "失敗",
}
KEEP = timedelta(days=30)


def owner_list_pk(user_id: str) -> str:
    return f"JOBS#USER#{user_id}"


def item(
    job_id: str,
    *,
    job_kind: str,
    owner: dict[str, Any],
    scope: dict[str, str | None],
    params: dict[str, Any],
    now: datetime,
    label: str,
    shared_list: str | None = None,
) -> Item:
    """A queued job. `shared_list` also lists it for everyone of a scope (e.g. a committee's grants)."""
    pk, sk = keys.job(job_id)
    record: Item = {
        "PK": pk,
        "SK": sk,
        "kind": "job",
        "job_id": job_id,
        "job_kind": job_kind,
        "label": label,
        "state": JobState.QUEUED.value,
        "lap": 0,
        "done_count": 0,
        "total_count": 0,
        "owner": owner,
        "scope": {k: v for k, v in scope.items() if v},
        "params": params,
        "created_at": iso(now),
        "updated_at": iso(now),
        "expires_at_epoch": epoch(now + KEEP),
        "L1PK": owner_list_pk(str(owner["user_id"])),
        "L1SK": iso(now),
    }
    if shared_list:
        record["L2PK"] = shared_list
        record["L2SK"] = iso(now)
    return record


def owner_principal(record: Item) -> Principal:
    """Whoever queued the job, with the scope it had then: a job acts within that scope only."""
    owner = record["owner"]
    return Principal(
        user_id=str(owner["user_id"]),
        role=Role(owner["role"]),
        session_id=f"job:{record['job_id']}",
        app=str(owner.get("app", "admin")),
        csrf="",
        committee_id=owner.get("committee_id"),
        company_id=owner.get("company_id"),
        store_id=owner.get("store_id"),
        login_id=owner.get("login_id"),
    )


def list_shared(db: Dynamo, shared_list: str, *, limit: int = 50) -> list[Item]:
    page = db.query(index="list2", pk_name="L2PK", pk=shared_list, sk_name="L2SK", newest_first=True, limit=limit)
    return page.items


def create(db: Dynamo, record: Item, *, audit: dict[str, Any] | None = None) -> None:
    """The job and its open-job marker in one transaction, with the audit entry of its start (an action
    of ledger.audit_action) when given; ConditionFailed if the id is taken."""
    pk, sk = keys.open_job(str(record["job_id"]))
    marker = {"PK": pk, "SK": sk, "kind": "job_open", "job_id": record["job_id"], "created_at": record["created_at"]}
    if "expires_at_epoch" in record:
        marker["expires_at_epoch"] = record["expires_at_epoch"]
    try:
        db.transact(
            [db.tx_put(record, condition="attribute_not_exists(PK)"), db.tx_put(marker), *([audit] if audit else [])]
        )
    except TransactionFailed as failed:
        failed.refuse({0: ConditionFailed(failed.items[0])})


# --- laps that die: claimed with a lease, taken over by the schedule once it has passed ------------
# A lap runs for at most the worker's timeout (15 minutes, Lambda's limit); a lap claimed longer ago
# than this has died (time-out, out of memory, its message dead-lettered) and is given a new lap.
LEASE = timedelta(minutes=20)
UNFINISHED = (JobState.QUEUED, JobState.RUNNING)


def _unfinished(expr: Expr) -> str:
    return f"{expr.n('state')} IN ({', '.join(expr.v(state) for state in UNFINISHED)})"


def claim_lap(db: Dynamo, job_id: str, lap: int, now: datetime) -> bool:
    """Take lap `lap` of the job for this worker; False if the job moved on (a newer lap, finished)
    or another worker holds this lap under a live lease (a duplicate delivery)."""
    expr = Expr()
    condition = (
        f"{expr.n('lap')} = {expr.v(lap)} AND {_unfinished(expr)} AND "
        f"(attribute_not_exists({expr.n('claimed_lap')}) OR {expr.n('claimed_lap')} <> {expr.v(lap)} "
        f"OR {expr.n('lease_until')} < {expr.v(iso(now))})"
    )
    try:
        db.update(
            keys.job(job_id),
            f"SET {expr.n('claimed_lap')} = {expr.v(lap)}, {expr.n('lease_until')} = {expr.v(iso(now + LEASE))}",
            expr,
            condition=condition,
        )
    except ConditionFailed:
        return False
    return True


def resume_if_stalled(db: Dynamo, job: Item, now: datetime) -> bool:
    """Give a stalled job a new lap (the stream then runs it from its checkpoint): stalled means its
    lap was claimed and the lease passed, or it was never claimed for LEASE after its last change.
    Conditioned on the lap read, so two schedule runs resume it once and a live lap is left alone."""
    if job.get("state") not in UNFINISHED:
        return False
    lap = int(job.get("lap", 0))
    expr = Expr()
    condition = (
        f"{expr.n('lap')} = {expr.v(lap)} AND {_unfinished(expr)} AND ("
        f"({expr.n('claimed_lap')} = {expr.v(lap)} AND {expr.n('lease_until')} < {expr.v(iso(now))}) OR "
        f"((attribute_not_exists({expr.n('claimed_lap')}) OR {expr.n('claimed_lap')} <> {expr.v(lap)}) "
        f"AND {expr.n('updated_at')} < {expr.v(iso(now - LEASE))}))"
    )
    try:
        db.update(
            keys.job(str(job["job_id"])),
            f"SET {expr.n('state')} = {expr.v(JobState.RUNNING)}, {expr.n('resumed_at')} = {expr.v(iso(now))}, "
            f"{expr.n('updated_at')} = {expr.v(iso(now))} "
            f"ADD {expr.n('lap')} {expr.v(1)}, {expr.n('resumes')} {expr.v(1)}",
            expr,
            condition=condition,
        )
    except ConditionFailed:
        return False
    return True


# A finished job whose effects are once-only by their own markers (expiry reminders) may run again.
MAX_RUNS_AGAIN = 3


def run_again(db: Dynamo, job: Item, now: datetime) -> bool:
    """Give a finished job one more lap from the start (checkpoint cleared), back on the open list: the
    runner's own markers make it do only what is missing (a reminder SES refused, a job that failed
    part-way). Conditioned on the state and lap read and on MAX_RUNS_AGAIN, so two schedule runs start
    it once and a mail that can never go is not tried every day for ever. False if not started."""
    if job.get("state") not in (JobState.DONE, JobState.FAILED):
        return False
    lap, runs = int(job.get("lap", 0)), int(job.get("runs_again", 0))
    if runs >= MAX_RUNS_AGAIN:
        return False
    expr = Expr()
    condition = (
        f"{expr.n('state')} = {expr.v(job['state'])} AND {expr.n('lap')} = {expr.v(lap)} AND "
        f"(attribute_not_exists({expr.n('runs_again')}) OR {expr.n('runs_again')} < {expr.v(MAX_RUNS_AGAIN)})"
    )
    update = (
        f"SET {expr.n('state')} = {expr.v(JobState.RUNNING)}, {expr.n('updated_at')} = {expr.v(iso(now))}, "
        f"{expr.n('run_again_at')} = {expr.v(iso(now))} REMOVE {expr.n('checkpoint')} "
        f"ADD {expr.n('lap')} {expr.v(1)}, {expr.n('runs_again')} {expr.v(1)}"
    )
    pk, sk = keys.open_job(str(job["job_id"]))
    marker = {"PK": pk, "SK": sk, "kind": "job_open", "job_id": job["job_id"], "created_at": iso(now)}
    if "expires_at_epoch" in job:
        marker["expires_at_epoch"] = job["expires_at_epoch"]
    try:
        db.transact([db.tx_update(keys.job(str(job["job_id"])), update, expr, condition=condition), db.tx_put(marker)])
    except TransactionFailed as failed:
        if failed.reasons[0] == "ConditionalCheckFailed":
            return False
        raise
    return True


def open_jobs(db: Dynamo) -> list[str]:
    """Ids of the jobs not yet seen finished (the schedule removes the marker of a finished one)."""
    pk, _ = keys.open_job("-")
    return [str(m["job_id"]) for m in db.query_all(pk_name="PK", pk=pk, consistent=True)]


def forget_open(db: Dynamo, job_id: str) -> None:
    db.delete(keys.open_job(job_id))


def get(db: Dynamo, job_id: str) -> Item | None:
    return db.get(keys.job(job_id))


def list_for_owner(db: Dynamo, user_id: str, *, limit: int = 50) -> list[Item]:
    page = db.query(
        index="list1", pk_name="L1PK", pk=owner_list_pk(user_id), sk_name="L1SK", newest_first=True, limit=limit
    )
    return page.items


def update(db: Dynamo, job_id: str, now: datetime, **fields: Any) -> Item:
    expr = Expr()
    fields["updated_at"] = iso(now)
    sets = ", ".join(f"{expr.n(k)} = {expr.v(v)}" for k, v in fields.items())
    return db.update(keys.job(job_id), f"SET {sets}", expr)


# --- one sending rate shared by every job (SES's rate is the account's, not a job's) ----------------------
def rate_key(name: str) -> tuple[str, str]:
    return (f"RATE#{name}", "RATE")


def reserve_slot(db: Dynamo, name: str, now_us: int, interval_us: int) -> int:
    """The moment (epoch microseconds) at which the caller may send: the next free slot of the shared
    rate `name`, taken by a conditioned update, so that every sender together keeps one slot per
    `interval_us`. An idle rate gives `now_us`; a busy one the slot after the last one taken."""
    key = rate_key(name)
    while True:
        idle = Expr()
        try:
            db.update(
                key,
                f"SET {idle.n('next_us')} = {idle.v(now_us + interval_us)}",
                idle,
                condition=f"attribute_not_exists({idle.n('next_us')}) OR {idle.n('next_us')} <= {idle.v(now_us)}",
            )
            return now_us
        except ConditionFailed:
            pass
        busy = Expr()
        try:
            taken = db.update(
                key,
                f"SET {busy.n('next_us')} = {busy.n('next_us')} + {busy.v(interval_us)}",
                busy,
                condition=f"{busy.n('next_us')} > {busy.v(now_us)}",
            )
            return int(taken["next_us"]) - interval_us
        except ConditionFailed:
            continue  # the rate went idle between the two updates: take the idle slot


def pause(db: Dynamo, job_id: str, now: datetime, checkpoint: dict[str, Any], **fields: Any) -> None:
    """Save progress and ask for another lap (the stream delivers the change to the workers)."""
    expr = Expr()
    fields.update(checkpoint=checkpoint, state=JobState.RUNNING, updated_at=iso(now))
    sets = ", ".join(f"{expr.n(k)} = {expr.v(v)}" for k, v in fields.items())
    db.update(keys.job(job_id), f"SET {sets} ADD {expr.n('lap')} {expr.v(1)}", expr)
