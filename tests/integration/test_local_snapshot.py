"""The local stack's saved data (local/snapshot.py): what a start does with data of another shape (issue 22.4)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import boto3
import pytest

from local import snapshot
from shoken.db import keys, transactions
from shoken.runtime import Runtime

EXPORTS = "shoken-local-exports"  # local/stack.py
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


def table_items(table_name: str) -> list[dict[str, Any]]:
    dynamodb: Any = boto3.client("dynamodb")
    pages = dynamodb.get_paginator("scan").paginate(TableName=table_name)
    return sorted((item for page in pages for item in page["Items"]), key=lambda i: json.dumps(i, sort_keys=True))


def saved_items(state: Path) -> list[dict[str, Any]]:
    lines = (state / "table.jsonl").read_text().splitlines()
    return sorted((json.loads(line) for line in lines), key=lambda i: json.dumps(i, sort_keys=True))


def test_a_save_writes_exactly_the_table_after_puts_updates_deletes_and_a_cancelled_transaction(
    rt: Runtime, tmp_path: Path
) -> None:
    from local import moto_shim

    dynamodb: Any = boto3.client("dynamodb")
    table = rt.config.table_name
    snapshots = snapshot.Snapshotter(tmp_path, table, [EXPORTS], moto_shim.LOCK)
    for n in range(30):
        dynamodb.put_item(TableName=table, Item={"PK": {"S": f"T#{n}"}, "SK": {"S": "A"}, "n": {"N": str(n)}})
    snapshots.save()
    assert saved_items(tmp_path) == table_items(table)
    dynamodb.update_item(
        TableName=table,
        Key={"PK": {"S": "T#1"}, "SK": {"S": "A"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "100"}},
    )
    dynamodb.delete_item(TableName=table, Key={"PK": {"S": "T#2"}, "SK": {"S": "A"}})
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"PK": {"S": "T#new"}, "SK": {"S": "A"}}}},
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"PK": {"S": "T#3"}, "SK": {"S": "A"}},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )
    boto3.client("s3").put_object(Bucket=EXPORTS, Key="exports/a.csv", Body=b"a,b\n")
    snapshots.save()
    assert saved_items(tmp_path) == table_items(table)
    assert {"PK": {"S": "T#1"}, "SK": {"S": "A"}, "n": {"N": "100"}} in saved_items(tmp_path)
    [stored] = json.loads((tmp_path / "objects.json").read_text())
    assert (stored["key"], stored["body"]) == ("exports/a.csv", "YSxiCg==")


def test_requests_go_on_while_a_save_is_being_written(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12.9: the save used to Scan and write under moto's lock, so every API call waited for it
    (20-40 s at 33,000 items). Here the writing is held still; a DynamoDB call must still answer."""
    from local import moto_shim

    dynamodb: Any = boto3.client("dynamodb")
    table = rt.config.table_name
    for n in range(5):
        dynamodb.put_item(TableName=table, Item={"PK": {"S": f"T#{n}"}, "SK": {"S": "A"}})
    writing, release = threading.Event(), threading.Event()
    real_dumps = json.dumps

    def held_dumps(value: Any, **kwargs: Any) -> str:
        if isinstance(value, dict) and "PK" in value:
            writing.set()
            release.wait(30)
        return real_dumps(value, **kwargs)

    monkeypatch.setattr(snapshot.json, "dumps", held_dumps)
    snapshots = snapshot.Snapshotter(tmp_path, table, [], moto_shim.LOCK)
    saver = threading.Thread(target=snapshots.save)
    saver.start()
    try:
        assert writing.wait(10), "the save did not start writing"
        answered: list[Any] = []
        call = threading.Thread(
            target=lambda: answered.append(
                dynamodb.get_item(TableName=table, Key={"PK": {"S": "T#1"}, "SK": {"S": "A"}})
            )
        )
        call.start()
        call.join(10)
        assert answered and answered[0]["Item"]["PK"] == {"S": "T#1"}, "a request waited for the save"
    finally:
        release.set()
        saver.join(30)
    assert len(saved_items(tmp_path)) == 5


def test_local_data_of_version_1_moves_each_transaction_to_its_committee_shard(rt: Runtime, tmp_path: Path) -> None:
    # Given a version-1 dump with a transaction in the unsharded committee day and another item
    state = tmp_path / "state"
    state.mkdir()
    number = "261129000000000042"
    lines = [
        {
            "PK": {"S": f"TXN#{number}"},
            "SK": {"S": "TXN"},
            "number": {"S": number},
            "hist_sk": {"S": f"2026-11-29T01:00:00.000000Z#{number}"},
            "hist_committee": {"S": "ACQ#1#2026-11-29"},
        },
        {"PK": {"S": "ACQ#1"}, "SK": {"S": "ACQ"}, "name": {"S": "委員会"}},
    ]
    (state / "table.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    # When it is restored with the migrations from version 1
    plan = snapshot.plan(
        saved(tmp_path / "v1", {**snapshot.shape(rt.config.table_name), "data_version": 1}),
        snapshot.shape(rt.config.table_name),
    )
    assert plan.action == "migrate"
    assert snapshot.restore(state, rt.config.table_name, plan.migrations) == 2
    # Then the transaction sits in its shard of that day, which the sharded readers query
    dynamodb: Any = boto3.client("dynamodb")
    moved = dynamodb.get_item(TableName=rt.config.table_name, Key={"PK": {"S": f"TXN#{number}"}, "SK": {"S": "TXN"}})
    assert moved["Item"]["hist_committee"]["S"] == keys.committee_history("1", "2026-11-29", keys.history_shard(number))
    assert [t["number"] for t in transactions.of_committee_day(rt.db, "1", "2026-11-29")] == [number]
