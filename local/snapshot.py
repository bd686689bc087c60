"""Keeps local data across restarts: the table and the buckets are written to .local/state and read back.

moto holds everything in memory; this dumps it (debounced, and at shutdown) and restores it at the
next start with batch writes, so `make run` continues where it stopped. `make reset` deletes it.

Each dump is stamped with the shape of its data (version.json): the data version below, the table
definition and the demo seed. A start after pulling new code compares the stamp with the code's:
the same shape is restored, an older data version with migrations for each step is migrated item by
item, and anything else (no stamp, another table definition or demo city, no migration, items that do
not load) is set aside under replaced/ and the demo city is seeded again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import boto3

# Bump when items change shape in a way the table definition does not show (a renamed attribute, a new
# key format). Add MIGRATIONS[previous version] to rewrite old items (DynamoDB JSON in, out, or None to
# drop one); without one, the next `make run` reseeds.
DATA_VERSION = 1
Migration = Callable[[dict[str, Any]], dict[str, Any] | None]
MIGRATIONS: dict[int, Migration] = {}
STAMP = "version.json"
# What `make reset` forgets and a reseed sets aside; session.key stays.
DATA_FILES = ("table.jsonl", "objects.json", "demo-logins.json", "mail.jsonl", STAMP)
SEED_SOURCE = Path(__file__).with_name("seed.py")


def shape(table_name: str) -> dict[str, Any]:
    """The shape this code writes: data version, table definition and demo seed (as digests)."""
    from shoken.table import create_table_request

    table = json.dumps(create_table_request(table_name), sort_keys=True).encode()
    return {
        "data_version": DATA_VERSION,
        "table": hashlib.sha256(table).hexdigest()[:16],
        "seed": hashlib.sha256(SEED_SOURCE.read_bytes()).hexdigest()[:16],
    }


@dataclass
class Plan:
    action: Literal["seed", "restore", "migrate", "reseed"]
    reason: str
    migrations: list[Migration] = field(default_factory=list)


def plan(state_dir: Path, current: dict[str, Any], migrations: Mapping[int, Migration] | None = None) -> Plan:
    """What the next start does with the data in state_dir, and why."""
    known = MIGRATIONS if migrations is None else migrations
    if not exists(state_dir):
        return Plan("seed", "no local data yet")
    try:
        stored = json.loads((state_dir / STAMP).read_text())
    except (OSError, ValueError):
        return Plan("reseed", "the local data has no version stamp (it was written before shoken stamped it)")
    if stored == current:
        return Plan("restore", "its shape is current")
    if stored.get("table") != current["table"]:
        return Plan("reseed", "the table definition changed (shoken/table.py)")
    if stored.get("seed") != current["seed"]:
        return Plan("reseed", "the demo city changed (local/seed.py)")
    version, wanted = stored.get("data_version"), current["data_version"]
    if not isinstance(version, int) or version > wanted:
        return Plan("reseed", f"it was written by other code (data version {version}, this code writes {wanted})")
    steps = [known.get(number) for number in range(version, wanted)]
    if any(step is None for step in steps):
        return Plan("reseed", f"its items changed shape (data version {version} → {wanted}) with no migration")
    return Plan("migrate", f"data version {version} → {wanted}", [step for step in steps if step])


def set_aside(state_dir: Path) -> Path:
    """Move the data files to replaced/<time>/ (kept, not deleted); returns that folder."""
    folder = state_dir / "replaced" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True, exist_ok=True)
    for name in DATA_FILES:
        if (state_dir / name).exists():
            os.replace(state_dir / name, folder / name)
    return folder


def clear(table_name: str, buckets: list[str]) -> None:
    """Empty the table and the buckets (after a restore that failed part way)."""
    from local import stack

    stack.create_table(table_name, replace=True)
    s3: Any = boto3.client("s3")
    for bucket in buckets:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for entry in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=entry["Key"])


def dump(state_dir: Path, table_name: str, buckets: list[str]) -> None:
    dynamodb: Any = boto3.client("dynamodb")
    tmp = state_dir / "table.jsonl.tmp"
    state_dir.mkdir(parents=True, exist_ok=True)
    with tmp.open("w") as handle:
        for page in dynamodb.get_paginator("scan").paginate(TableName=table_name):
            for item in page["Items"]:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    os.replace(tmp, state_dir / "table.jsonl")
    s3: Any = boto3.client("s3")
    objects: list[dict[str, Any]] = []
    for bucket in buckets:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for entry in page.get("Contents", []):
                body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
                objects.append({"bucket": bucket, "key": entry["Key"], "body": base64.b64encode(body).decode()})
    tmp = state_dir / "objects.json.tmp"
    tmp.write_text(json.dumps(objects))
    os.replace(tmp, state_dir / "objects.json")
    (state_dir / STAMP).write_text(json.dumps(shape(table_name)))


def exists(state_dir: Path) -> bool:
    return (state_dir / "table.jsonl").exists()


def restore(state_dir: Path, table_name: str, migrations: list[Migration] | None = None) -> int:
    dynamodb: Any = boto3.client("dynamodb")
    count = 0
    batch: list[dict[str, Any]] = []
    with (state_dir / "table.jsonl").open() as handle:
        for line in handle:
            item: dict[str, Any] | None = json.loads(line)
            for migrate in migrations or []:
                item = migrate(item) if item is not None else None
            if item is None:
                continue
            batch.append({"PutRequest": {"Item": item}})
            if len(batch) == 25:
                dynamodb.batch_write_item(RequestItems={table_name: batch})
                count += len(batch)
                batch = []
    if batch:
        dynamodb.batch_write_item(RequestItems={table_name: batch})
        count += len(batch)
    objects_file = state_dir / "objects.json"
    if objects_file.exists():
        s3 = boto3.client("s3")
        for entry in json.loads(objects_file.read_text()):
            s3.put_object(Bucket=entry["bucket"], Key=entry["key"], Body=base64.b64decode(entry["body"]))
    return count
