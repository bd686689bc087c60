"""Uniqueness guards: one item per unique value (external ids), written in the entity's transaction."""

from __future__ import annotations

from typing import Any

from shoken.db.dynamo import Dynamo, Expr, Item, TransactionFailed
from shoken.errors import AlreadyExists

# (guard kind, request field, old value, new value): one unique value of an entity moving on a write
Change = tuple[str, str, str | None, str | None]


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
    expr = Expr()
    return db.tx_delete(key(kind, value), condition=f"{expr.n('owner')} = {expr.v(owner)}", expr=expr)


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
    record becomes AlreadyExists naming the field; a failed entity condition raises `exists_error`.
    """
    actions = [entity_action]
    fields: list[str] = []
    for kind, field, old, new in changes:
        if old == new:
            continue
        if old:
            actions.append(release_action(db, kind, old, owner))
            fields.append("")
        if new:
            actions.append(put_action(db, kind, new, owner))
            fields.append(field)
    try:
        db.transact([*actions, *(also or [])])
    except TransactionFailed as failed:
        for position, field in enumerate(fields, start=1):
            if field and failed.failed_at(position):
                raise AlreadyExists(
                    "既に登録されている値です。",
                    details=[{"field": field, "reason": "duplicate", "reason_ja": "既に登録されています。"}],
                ) from failed
        if failed.failed_at(0):
            raise exists_error from failed
        raise
