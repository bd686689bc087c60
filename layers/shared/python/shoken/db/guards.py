"""Uniqueness guards: one item per unique value (external ids), written in the entity's transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shoken.db import terminals
from shoken.db.dynamo import Dynamo, Expr, Item, TransactionFailed
from shoken.errors import AlreadyExists, Conflict

# (guard kind, request field, old value, new value): one unique value of an entity moving on a write
Change = tuple[str, str, str | None, str | None]

# The unique values of each entity kind: (request field, how a record's value is read). One table
# for the console's forms, マスタ一括登録 and the demo seed, so every record has the guards it claims.
UNIQUE: dict[str, list[tuple[str, Callable[[Mapping[str, Any]], str | None]]]] = {
    "committee": [("wallet_service_id", lambda r: r.get("wallet_service_id") or None)],
    "company": [("external_company_id", lambda r: r.get("external_company_id") or None)],
    "store": [("external_store_id", lambda r: r.get("external_store_id") or None)],
    "terminal": [("external_terminal_id", terminals.external_key)],
}


def changes(kind: str, before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[Change]:
    """The unique values of a `kind` record moving from `before` (None: a new record) to `after`."""
    return [(kind, field, read(before) if before else None, read(after)) for field, read in UNIQUE[kind]]


def items_for(kind: str, record: Mapping[str, Any], owner: str) -> list[Item]:
    """The guard items a `kind` record holds, for writers that put records in batches (the demo seed)."""
    return [item(kind, value, owner) for _, _, _, value in changes(kind, None, record) if value]


def key(kind: str, value: str) -> tuple[str, str]:
    return (f"EXT#{kind}#{value}", "EXT")


def item(kind: str, value: str, owner: str) -> Item:
    pk, sk = key(kind, value)
    return {"PK": pk, "SK": sk, "kind": "guard", "owner": owner}


def put_action(db: Dynamo, kind: str, value: str, owner: str) -> dict[str, Any]:
    """Claim `value` for `owner`; succeeds again for the same owner (re-running a job is safe)."""
    expr = Expr()
    condition = f"attribute_not_exists({expr.n('PK')}) OR {expr.n('owner')} = {expr.v(owner)}"
    return db.tx_put(item(kind, value, owner), condition=condition, expr=expr)


def release_action(db: Dynamo, kind: str, value: str, owner: str) -> dict[str, Any]:
    """Give up `value`; a guard that is missing (data written before guards existed) releases fine,
    one held by another record does not."""
    expr = Expr()
    condition = f"attribute_not_exists({expr.n('PK')}) OR {expr.n('owner')} = {expr.v(owner)}"
    return db.tx_delete(key(kind, value), condition=condition, expr=expr)


def owner_of(db: Dynamo, kind: str, value: str) -> str | None:
    found = db.get(key(kind, value))
    return str(found["owner"]) if found else None


def save(
    db: Dynamo,
    entity_action: dict[str, Any],
    owner: str,
    changes: list[Change],
    *,
    exists_error: Exception,
    also: list[dict[str, Any]] | None = None,
) -> None:
    """Write an entity and move its unique values in one transaction (with `also`, unconditioned
    actions that belong to the same change).

    `changes` holds (guard kind, request field, old value, new value). A value taken by another
    record becomes AlreadyExists naming the field; a failed entity condition raises `exists_error`;
    a release refused (the old value is held by another record) or a transaction conflict is a
    Conflict naming the field, never the raw failure.
    """
    actions = [entity_action]
    moves: list[tuple[str, bool]] = []  # (field, claiming) of each guard action, in order
    for kind, field, old, new in changes:
        if old == new:
            continue
        if old:
            actions.append(release_action(db, kind, old, owner))
            moves.append((field, False))
        if new:
            actions.append(put_action(db, kind, new, owner))
            moves.append((field, True))
    try:
        db.transact([*actions, *(also or [])])
    except TransactionFailed as failed:
        for position, (field, claiming) in enumerate(moves, start=1):
            if failed.failed_at(position) and claiming:
                raise AlreadyExists(
                    "既に登録されている値です。",
                    details=[{"field": field, "reason": "duplicate", "reason_ja": "既に登録されています。"}],
                ) from failed
            if failed.failed_at(position):
                raise Conflict(
                    "変更前の値が他のデータに登録されているため、変更できません。",
                    details=[{"field": field, "reason": "held", "reason_ja": "他のデータに登録されている値です。"}],
                ) from failed
        if failed.failed_at(0):
            raise exists_error from failed
        raise Conflict() from failed
