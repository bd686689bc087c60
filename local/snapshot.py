"""Keeps local data across restarts: the table and the buckets are written to .local/state and read back.

moto holds everything in memory; this writes it out (every few seconds when it changed, and at
shutdown; never holding up requests, see Snapshotter) and restores it at the next start with batch
writes, so `make run` continues where it stopped. `make reset` deletes it.

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
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import boto3

# Bump when items change shape in a way the table definition does not show (a renamed attribute, a new
# key format). Add MIGRATIONS[previous version] to rewrite old items (DynamoDB JSON in, out, or None to
# drop one); without one, the next `make run` reseeds.
DATA_VERSION = 2
Migration = Callable[[dict[str, Any]], dict[str, Any] | None]


def shard_committee_history(item: dict[str, Any]) -> dict[str, Any] | None:
    """1 → 2: a transaction's `hist_committee` `ACQ#<committee>#<day>` gains its shard (issue 13.8)."""
    from shoken.db import keys

    value = item.get("hist_committee", {}).get("S")
    number = item.get("number", {}).get("S")
    if value is None or number is None or value.count("#") != 2:
        return item
    _, committee_id, day = value.split("#")
    return {**item, "hist_committee": {"S": keys.committee_history(committee_id, day, keys.history_shard(number))}}


MIGRATIONS: dict[int, Migration] = {1: shard_committee_history}
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


class Snapshotter:
    """Writes the table and the buckets to state_dir without holding up requests.

    A full Scan through moto under its lock froze every API call for tens of seconds on a large table.
    Instead this keeps its own copy of the table, brought up to date from the table's stream (moto
    records every write there with the item's new image, and the local table always has one): under
    the lock it only takes the records added since the last save and the buckets' listing; applying
    them and writing the files happen outside it. S3 objects are re-read only when their ETag changed.
    """

    def __init__(self, state_dir: Path, table_name: str, buckets: list[str], lock: Any) -> None:
        self.state_dir, self.table_name, self.buckets, self.lock = state_dir, table_name, buckets, lock
        self._saving = threading.Lock()
        self._shard: Any = None
        self._position = 0
        self._items: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}
        self._objects: dict[tuple[str, str], tuple[str, str]] = {}  # (bucket, key) -> (etag, base64 body)

    def save(self) -> None:
        with self._saving:
            with self.lock:
                records, objects = self._changes()
            if not records and objects == self._objects and exists(self.state_dir):
                return  # nothing changed since the last save
            for record in records:
                change = record["dynamodb"]
                key = tuple(sorted((name, json.dumps(value, sort_keys=True)) for name, value in change["Keys"].items()))
                if record["eventName"] == "REMOVE":
                    self._items.pop(key, None)
                else:
                    self._items[key] = change["NewImage"]
            self._objects = objects
            self._write()

    def _changes(self) -> tuple[list[dict[str, Any]], dict[tuple[str, str], tuple[str, str]]]:
        """Only what is cheap, under moto's lock: the new stream records and the changed objects."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        from local.stack import REGION

        shard: Any = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(self.table_name).stream_shard
        if shard is not self._shard:  # a new table (first save, or emptied after a failed restore)
            self._shard, self._position, self._items = shard, 0, {}
        records = [entry.record for entry in shard.items[self._position :]]
        self._position = len(shard.items)
        s3: Any = boto3.client("s3")
        objects: dict[tuple[str, str], tuple[str, str]] = {}
        for bucket in self.buckets:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for entry in page.get("Contents", []):
                    name = (bucket, entry["Key"])
                    known = self._objects.get(name)
                    if known and known[0] == entry["ETag"]:
                        objects[name] = known
                    else:
                        body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
                        objects[name] = (entry["ETag"], base64.b64encode(body).decode())
        return records, objects

    def _write(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_dir / "table.jsonl.tmp"
        with tmp.open("w") as handle:
            for item in list(self._items.values()):
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        os.replace(tmp, self.state_dir / "table.jsonl")
        objects = [{"bucket": b, "key": k, "body": body} for (b, k), (_, body) in self._objects.items()]
        tmp = self.state_dir / "objects.json.tmp"
        tmp.write_text(json.dumps(objects))
        os.replace(tmp, self.state_dir / "objects.json")
        (self.state_dir / STAMP).write_text(json.dumps(shape(self.table_name)))


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
