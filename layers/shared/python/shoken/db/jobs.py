"""Background jobs (bulk registration, CSV exports, bulk grants): one item each, run by the workers
function from the table's stream. A long job saves its checkpoint and bumps `lap`; the stream
delivers that change and the next invocation continues, so no job is bound by one Lambda's time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shoken.clock import epoch, iso
from shoken.db import keys
from shoken.db.dynamo import Dynamo, Expr, Item
from shoken.principal import Principal
from shoken.roles import Role

STATE_LABELS = {"queued": "待機中", "running": "作成中", "done": "完了", "failed": "失敗"}
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
        "state": "queued",
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


def create(db: Dynamo, record: Item) -> None:
    db.put(record, condition="attribute_not_exists(PK)")


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


def pause(db: Dynamo, job_id: str, now: datetime, checkpoint: dict[str, Any], **fields: Any) -> None:
    """Save progress and ask for another lap (the stream delivers the change to the workers)."""
    expr = Expr()
    fields.update(checkpoint=checkpoint, state="running", updated_at=iso(now))
    sets = ", ".join(f"{expr.n(k)} = {expr.v(v)}" for k, v in fields.items())
    db.update(keys.job(job_id), f"SET {sets} ADD {expr.n('lap')} {expr.v(1)}", expr)
