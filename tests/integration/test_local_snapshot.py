"""The local stack's saved data (local/snapshot.py): what a start does with data of another shape (issue 22.4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from local import snapshot
from shoken.runtime import Runtime

CURRENT = {"data_version": 3, "table": "t1", "seed": "s1"}


def saved(state: Path, stamp: dict[str, Any] | None) -> Path:
    state.mkdir(parents=True, exist_ok=True)
    (state / "table.jsonl").write_text("")
    if stamp is not None:
        (state / "version.json").write_text(json.dumps(stamp))
    return state


def rename_amount(item: dict[str, Any]) -> dict[str, Any] | None:
    if item["PK"]["S"].startswith("DROP#"):
        return None
    return {**{k: v for k, v in item.items() if k != "amt"}, "amount": item["amt"]}


def test_each_kind_of_saved_data_gets_its_own_plan(tmp_path: Path) -> None:
    steps = {1: rename_amount, 2: rename_amount}
    assert snapshot.plan(tmp_path / "none", CURRENT).action == "seed"
    assert snapshot.plan(saved(tmp_path / "same", CURRENT), CURRENT, steps).action == "restore"
    older = snapshot.plan(saved(tmp_path / "older", {**CURRENT, "data_version": 1}), CURRENT, steps)
    assert (older.action, older.reason, older.migrations) == ("migrate", "data version 1 → 3", [rename_amount] * 2)
    gap = snapshot.plan(saved(tmp_path / "gap", {**CURRENT, "data_version": 1}), CURRENT, {2: rename_amount})
    assert gap.action == "reseed" and "with no migration" in gap.reason
    newer = snapshot.plan(saved(tmp_path / "newer", {**CURRENT, "data_version": 4}), CURRENT, steps)
    assert newer.action == "reseed" and "written by other code" in newer.reason
    table = snapshot.plan(saved(tmp_path / "table", {**CURRENT, "table": "t0"}), CURRENT, steps)
    assert (table.action, table.reason) == ("reseed", "the table definition changed (shoken/table.py)")
    seed = snapshot.plan(saved(tmp_path / "seed", {**CURRENT, "seed": "s0"}), CURRENT, steps)
    assert (seed.action, seed.reason) == ("reseed", "the demo city changed (local/seed.py)")
    unstamped = snapshot.plan(saved(tmp_path / "unstamped", None), CURRENT, steps)
    assert unstamped.action == "reseed" and "no version stamp" in unstamped.reason


def test_a_migration_rewrites_or_drops_each_item_as_it_is_restored(rt: Runtime, tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    lines = [
        {"PK": {"S": "KEEP#1"}, "SK": {"S": "A"}, "amt": {"N": "500"}},
        {"PK": {"S": "DROP#1"}, "SK": {"S": "A"}, "amt": {"N": "1"}},
    ]
    (state / "table.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert snapshot.restore(state, rt.config.table_name, [rename_amount]) == 1
    dynamodb: Any = boto3.client("dynamodb")
    kept = dynamodb.get_item(TableName=rt.config.table_name, Key={"PK": {"S": "KEEP#1"}, "SK": {"S": "A"}})["Item"]
    assert kept["amount"] == {"N": "500"} and "amt" not in kept
    assert "Item" not in dynamodb.get_item(
        TableName=rt.config.table_name, Key={"PK": {"S": "DROP#1"}, "SK": {"S": "A"}}
    )


def test_a_set_aside_keeps_the_old_files_and_the_session_key(tmp_path: Path) -> None:
    state = saved(tmp_path / "state", CURRENT)
    (state / "session.key").write_text("k")
    (state / "mail.jsonl").write_text("{}\n")
    kept = snapshot.set_aside(state)
    assert sorted(p.name for p in kept.iterdir()) == ["mail.jsonl", "table.jsonl", "version.json"]
    assert not snapshot.exists(state) and (state / "session.key").read_text() == "k"
