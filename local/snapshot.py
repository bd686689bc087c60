"""Keeps local data across restarts: the table and the buckets are written to .local/state and read back.

moto holds everything in memory; this dumps it (debounced, and at shutdown) and restores it at the
next start with batch writes, so `make run` continues where it stopped. `make reset` deletes it.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import boto3


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


def exists(state_dir: Path) -> bool:
    return (state_dir / "table.jsonl").exists()


def restore(state_dir: Path, table_name: str) -> int:
    dynamodb: Any = boto3.client("dynamodb")
    count = 0
    batch: list[dict[str, Any]] = []
    with (state_dir / "table.jsonl").open() as handle:
        for line in handle:
            batch.append({"PutRequest": {"Item": json.loads(line)}})
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
