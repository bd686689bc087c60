"""Payout settings, calendars and runs (精算確定): items and the one transaction that freezes a run.

A run is frozen in one step: its payee lines are written first under a fresh run id, then one
TransactWriteItems puts the run item and moves the programme's head item on, conditioned on the
head's version. Until that commits nothing refers to the lines (a failed attempt leaves unreachable
lines, never a half run); after it, nothing writes to the run but its state (振込済み / 取消).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Expr, Item, TransactionFailed
from shoken.status import PayoutState


class HeadMoved(Exception):
    """Another confirm or cancel of the programme committed first."""


class StateChanged(Exception):
    """The run is no longer in the state the request expected."""


def settings_key(committee_id: str) -> tuple[str, str]:
    return (f"PAYSET#{committee_id}", "PAYSET")


def calendar_key(programme_id: str) -> tuple[str, str]:
    return (f"PAYCAL#{programme_id}", "PAYCAL")


def runs_pk(committee_id: str) -> str:
    return f"PAYRUNS#{committee_id}"


def company_lines_pk(company_id: str) -> str:
    return f"PAYLINES#CO#{company_id}"


def get_head(db: Dynamo, programme_id: str) -> Item:
    return db.get(keys.payout_head(programme_id), consistent=True) or {
        "version": 0,
        "frozen": {},
        "carry": {},
        "order": [],
    }


def get_run(db: Dynamo, run_id: str, *, consistent: bool = True) -> Item | None:
    return db.get(keys.payout_run(run_id), consistent=consistent)


def lines(db: Dynamo, run_id: str, company_id: str | None = None) -> list[Item]:
    pk, _ = keys.payout_run(run_id)
    prefix = f"PAYEE#{company_id}#" if company_id else "PAYEE#"
    return list(db.query_all(pk_name="PK", pk=pk, sk_name="SK", sk_begins=prefix, consistent=True))


def runs_of_committee(db: Dynamo, committee_id: str, limit: int = 100) -> list[Item]:
    page = db.query(
        index="list1", pk_name="L1PK", pk=runs_pk(committee_id), sk_name="L1SK", newest_first=True, limit=limit
    )
    return page.items


def lines_of_company(db: Dynamo, company_id: str, runs: int = 100) -> dict[str, list[Item]]:
    """The company's payee lines of its newest `runs` run ids, by run, newest period first: read until a
    further run begins, so a company paid per store sees as many runs as the committee (a page of 200
    lines was the last 4 runs of a company of 50 stores). Ids of attempts that never froze are among them."""
    by_run: dict[str, list[Item]] = {}
    query = {"index": "list1", "pk_name": "L1PK", "pk": company_lines_pk(company_id), "sk_name": "L1SK"}
    for line in db.query_all(**query, newest_first=True):
        run_id = str(line["run_id"])
        if run_id not in by_run and len(by_run) == runs:
            break
        by_run.setdefault(run_id, []).append(line)
    return by_run


def write_lines(db: Dynamo, records: Iterable[Item]) -> None:
    db.batch_put(records)


def freeze(db: Dynamo, run: Item, head: Item, new_head: dict[str, Any], audit: dict[str, Any]) -> None:
    """Commits the run with its audit entry (an action of ledger.audit_action): the run item is new and the
    head is still the version that was read."""
    expr = Expr()
    version = int(head["version"])
    sets = ", ".join(f"{expr.n(k)} = {expr.v(v)}" for k, v in {**new_head, "version": version + 1}.items())
    condition = f"attribute_not_exists({expr.n('PK')})" if version == 0 else f"{expr.n('version')} = {expr.v(version)}"
    actions = [
        db.tx_put(run, condition="attribute_not_exists(PK)"),
        db.tx_update(keys.payout_head(str(run["programme_id"])), f"SET {sets}", expr, condition=condition),
        audit,
    ]
    try:
        db.transact(actions)
    except TransactionFailed as failed:
        failed.refuse({1: HeadMoved()})


def cancel(
    db: Dynamo, run: Item, head: Item, new_head: dict[str, Any], at: str, by: str, audit: dict[str, Any]
) -> None:
    """取消: the run leaves 作成済み and its period leaves the head, with the audit entry, in one transaction;
    a transaction another's timing cancelled is busy (try again), not a refusal."""
    run_expr = Expr()
    run_update = (
        f"SET {run_expr.n('state')} = {run_expr.v(PayoutState.CANCELLED)}, "
        f"{run_expr.n('cancelled_at')} = {run_expr.v(at)}, {run_expr.n('cancelled_by')} = {run_expr.v(by)}"
    )
    head_expr = Expr()
    version = int(head["version"])
    sets = ", ".join(f"{head_expr.n(k)} = {head_expr.v(v)}" for k, v in {**new_head, "version": version + 1}.items())
    actions = [
        db.tx_update(
            keys.payout_run(str(run["run_id"])),
            run_update,
            run_expr,
            condition=f"{run_expr.n('state')} = {run_expr.v('created')}",
        ),
        db.tx_update(
            keys.payout_head(str(run["programme_id"])),
            f"SET {sets}",
            head_expr,
            condition=f"{head_expr.n('version')} = {head_expr.v(version)}",
        ),
        audit,
    ]
    try:
        db.transact(actions)
    except TransactionFailed as failed:
        failed.refuse({0: StateChanged(), 1: HeadMoved()})


def mark_paid(db: Dynamo, run: Item, paid_on: str, at: str, by: str, audit: dict[str, Any]) -> Item:
    """振込済み with its audit entry in one transaction; the run as it is now."""
    fields = {"state": PayoutState.PAID, "paid_on": paid_on, "paid_marked_at": at, "paid_marked_by": by}
    expr = Expr()
    update = "SET " + ", ".join(f"{expr.n(name)} = {expr.v(value)}" for name, value in fields.items())
    condition = f"{expr.n('state')} = {expr.v(PayoutState.CREATED)}"
    try:
        db.transact([db.tx_update(keys.payout_run(str(run["run_id"])), update, expr, condition=condition), audit])
    except TransactionFailed as failed:
        failed.refuse({0: StateChanged()})
    return {**run, **fields}
