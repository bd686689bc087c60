"""お知らせ: the committee's notices, listed per committee and audience, and each reader's read-marks.

A notice is one item. While it is live it sits in list1 under its committee and audience with the
day it ends first in the sort key, so a reader's query starts at today and never reads ended ones;
withdrawing it takes it out of that list. Every notice of a committee is also in list2 for the console.
"""

from __future__ import annotations

from typing import Any

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Expr, Item
from shoken.status import Status

AUDIENCE_KINDS = ("residents", "programme", "merchants", "area")


def audience_key(audience: dict[str, Any]) -> str:
    kind = str(audience["kind"])
    if kind == "programme":
        return f"programme#{audience['programme_id']}"
    if kind == "area":
        return f"area#{audience['area']}"
    return kind


def item(notice_id: str, *, committee_id: str, fields: dict[str, Any], created_by: str, now: str) -> Item:
    pk, sk = keys.notice(notice_id)
    record: Item = {
        "PK": pk,
        "SK": sk,
        "kind": "notice",
        "notice_id": notice_id,
        "committee_id": committee_id,
        "status": Status.ACTIVE,
        "version": 1,
        "created_by": created_by,
        "created_at": now,
        "updated_at": now,
        "L2PK": keys.notice_admin_list(committee_id),
        "L2SK": f"{now}#{notice_id}",
    }
    record.update(fields)
    record.update(live_list(committee_id, notice_id, fields))
    return record


def live_list(committee_id: str, notice_id: str, fields: dict[str, Any]) -> dict[str, str]:
    """The list1 keys of a live notice; set again when an edit changes its audience or its end."""
    return {
        "L1PK": keys.notice_list(committee_id, audience_key(fields["audience"])),
        "L1SK": f"{fields['end_date']}#{notice_id}",
    }


def get(db: Dynamo, notice_id: str) -> Item | None:
    return db.get(keys.notice(notice_id))


def live(db: Dynamo, committee_id: str, audience: str, today: str, *, limit: int = 50) -> list[Item]:
    """Notices of one audience that have not ended by `today` (some may not have started yet)."""
    page = db.query(
        index="list1",
        pk_name="L1PK",
        pk=keys.notice_list(committee_id, audience),
        sk_name="L1SK",
        sk_between=(today, "9999-12-31~"),
        limit=limit,
    )
    return page.items


def for_committee(db: Dynamo, committee_id: str, *, limit: int = 100) -> list[Item]:
    page = db.query(
        index="list2",
        pk_name="L2PK",
        pk=keys.notice_admin_list(committee_id),
        sk_name="L2SK",
        newest_first=True,
        limit=limit,
    )
    return page.items


def read_marks(db: Dynamo, reader_id: str, notice_ids: list[str]) -> set[str]:
    if not notice_ids:
        return set()
    found = db.batch_get([keys.notice_read(reader_id, n) for n in notice_ids], consistent=False)
    return {str(record["notice_id"]) for record in found.values()}


def mark_read(db: Dynamo, reader_id: str, notice_id: str, *, now: str, expires_at_epoch: int) -> None:
    pk, sk = keys.notice_read(reader_id, notice_id)
    db.put(
        {
            "PK": pk,
            "SK": sk,
            "kind": "notice_read",
            "notice_id": notice_id,
            "read_at": now,
            "expires_at_epoch": expires_at_epoch,
        }
    )


def update_fields(db: Dynamo, notice_id: str, fields: dict[str, Any], *, expected_version: int) -> Item:
    """Set fields, conditioned on the version read, so two clerks' edits cannot overwrite each other."""
    expr = Expr()
    sets = ", ".join(f"{expr.n(k)} = {expr.v(v)}" for k, v in fields.items())
    return db.update(
        keys.notice(notice_id),
        f"SET {sets} ADD {expr.n('version')} {expr.v(1)}",
        expr,
        condition=f"{expr.n('version')} = {expr.v(expected_version)} AND {expr.n('status')} = {expr.v(Status.ACTIVE)}",
    )


def withdraw(db: Dynamo, notice_id: str, *, now: str, by: str) -> Item:
    expr = Expr()
    return db.update(
        keys.notice(notice_id),
        f"SET {expr.n('status')} = {expr.v('withdrawn')}, {expr.n('updated_at')} = {expr.v(now)}, "
        f"{expr.n('withdrawn_by')} = {expr.v(by)} REMOVE {expr.n('L1PK')}, {expr.n('L1SK')} "
        f"ADD {expr.n('version')} {expr.v(1)}",
        expr,
        condition=f"{expr.n('status')} = {expr.v(Status.ACTIVE)}",
    )
