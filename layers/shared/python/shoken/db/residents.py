"""Resident lists (住民名簿): one generation of keyed hashes per upload, and the programme's pointer to the
current one. A re-upload writes a new generation, moves the pointer by a condition on the old one and
then deletes the old generation, so a search always sees one whole list, never half of two."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Expr, Item


def current(db: Dynamo, programme_id: str) -> Item | None:
    return db.get(keys.resident_list(programme_id))


def resident_item(programme_id: str, generation: str, matching_hash: str) -> Item:
    pk, sk = keys.resident(programme_id, generation, matching_hash)
    return {"PK": pk, "SK": sk, "kind": "resident"}


def is_listed(db: Dynamo, programme_id: str, matching_hash: str) -> tuple[bool, Item | None]:
    """Whether a hash is on the programme's current list, and the list's record (None: no list yet)."""
    record = current(db, programme_id)
    if record is None:
        return False, None
    return db.get(keys.resident(programme_id, str(record["generation"]), matching_hash)) is not None, record


def hashes(db: Dynamo, programme_id: str, generation: str) -> Iterator[str]:
    pk = keys.resident(programme_id, generation, "")[0]
    for item in db.query_all(pk_name="PK", pk=pk, consistent=True):
        yield str(item["SK"]).removeprefix("H#")


def switch(db: Dynamo, programme_id: str, old_generation: str | None, record: Item) -> None:
    """Make `record` the current list if the current one is still `old_generation` (else ConditionFailed)."""
    expr = Expr()
    if old_generation is None:
        condition = f"attribute_not_exists({expr.n('PK')})"
    else:
        condition = f"{expr.n('generation')} = {expr.v(old_generation)}"
    pk, sk = keys.resident_list(programme_id)
    db.put({"PK": pk, "SK": sk, "kind": "resident_list", **record}, condition=condition, expr=expr)


def delete_generation(db: Dynamo, programme_id: str, generation: str, matching_hashes: Iterable[str]) -> int:
    """Delete a generation's items (BatchWriteItem, 25 at a time); re-run safe."""
    deleted = 0
    batch: list[dict[str, Any]] = []
    for matching_hash in matching_hashes:
        pk, sk = keys.resident(programme_id, generation, matching_hash)
        batch.append({"DeleteRequest": {"Key": {"PK": {"S": pk}, "SK": {"S": sk}}}})
        if len(batch) == 25:
            _write(db, batch)
            deleted += len(batch)
            batch = []
    if batch:
        _write(db, batch)
        deleted += len(batch)
    return deleted


def _write(db: Dynamo, batch: list[dict[str, Any]]) -> None:
    request: Any = {db.table: batch}
    while request:
        raw = db.client.batch_write_item(RequestItems=request)
        request = raw.get("UnprocessedItems") or {}
