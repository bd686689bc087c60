"""ダウンロード予約, the worker side: write the CSV of a history search to S3 in parts of about 5 MiB.

Memory holds one part and one page of rows whatever the export's size. Parts are cut at page ends,
and a lap ends only right after a part is uploaded, with the multipart upload, its parts and the
search's cursor in the checkpoint, so the next lap continues the same file exactly.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from shoken import exports, history_search
from shoken.clock import epoch, parse_iso
from shoken.config import WorkerConfig
from shoken.db import jobs as job_items
from shoken.db import transactions
from shoken.db.dynamo import Item
from shoken.history_models import HistorySearch
from shoken.principal import Principal
from shoken.runtime import Runtime

PART_BYTES = 5 * 1024 * 1024  # S3's smallest part (but the last)
PAGE = 1000


def pages(
    rt: Runtime, owner: Principal, query: HistorySearch, start: datetime, end: datetime, state: Any
) -> Iterator[tuple[list[Item], Any, int]]:
    """(rows of a page, cursor after it or None at the end, percent done) until the search is read."""
    if query.number:
        record = transactions.get(rt.db, query.number.strip()) if state != "end" else None
        yield ([record] if record and history_search.visible(owner, record) else []), None, 100
        return
    chosen = history_search.plan(rt, owner, query, start, end)
    while True:
        page = history_search.read_page(rt, chosen, start, end, state=state, page_size=PAGE, read_budget=PAGE * 5)
        state = page.state
        done = int(state["p"]) if state else len(chosen.partitions)
        yield (
            [r for r in page.items if history_search.visible(owner, r)],
            state,
            min(99, 100 * done // max(len(chosen.partitions), 1)),
        )
        if state is None:
            return


def run(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    job_id = str(job["job_id"])
    params = job["params"]
    bucket, key = str(params["bucket"]), str(params["key"])
    query = HistorySearch.model_validate(params["query"])
    start, end = (parse_iso(str(t)) for t in params["range"])
    checkpoint: dict[str, Any] = dict(job.get("checkpoint") or {"rows": 0, "parts": [], "size": 0, "state": None})
    buffer = io.BytesIO()
    if checkpoint["rows"] == 0 and not checkpoint["parts"]:
        buffer.write((exports.BOM + exports.header()).encode())
        job_items.update(rt.db, job_id, rt.clock.now(), state="running", message="作成中", progress=0)
    for rows, state, progress in pages(rt, job_items.owner_principal(job), query, start, end, checkpoint["state"]):
        for record in rows:
            buffer.write(exports.line(record).encode())
        checkpoint["rows"] += len(rows)
        checkpoint["state"] = state
        if buffer.tell() >= PART_BYTES and state is not None:
            _upload_part(rt, bucket, key, buffer, checkpoint)
            if should_pause():
                job_items.pause(
                    rt.db, job_id, rt.clock.now(), checkpoint, done_count=checkpoint["rows"], progress=progress
                )
                return
            job_items.update(
                rt.db, job_id, rt.clock.now(), checkpoint=checkpoint, done_count=checkpoint["rows"], progress=progress
            )
    size = _finish(rt, bucket, key, buffer, checkpoint)
    retention = timedelta(days=rt.require(WorkerConfig).export_retention_days)
    job_items.update(
        rt.db,
        job_id,
        rt.clock.now(),
        state="done",
        progress=100,
        done_count=checkpoint["rows"],
        size=size,
        checkpoint={"rows": checkpoint["rows"], "state": "end"},
        file_expires_epoch=epoch(rt.clock.now() + retention),
        message=f"{checkpoint['rows']:,}件",
    )


def _upload_part(rt: Runtime, bucket: str, key: str, buffer: io.BytesIO, checkpoint: dict[str, Any]) -> None:
    if "upload_id" not in checkpoint:
        created = rt.s3.create_multipart_upload(
            Bucket=bucket, Key=key, ContentType="text/csv; charset=utf-8", ServerSideEncryption="AES256"
        )
        checkpoint["upload_id"] = created["UploadId"]
    number = len(checkpoint["parts"]) + 1
    reply = rt.s3.upload_part(
        Bucket=bucket, Key=key, UploadId=checkpoint["upload_id"], PartNumber=number, Body=buffer.getvalue()
    )
    checkpoint["parts"].append({"PartNumber": number, "ETag": reply["ETag"]})
    checkpoint["size"] += buffer.tell()
    buffer.seek(0)
    buffer.truncate()


def _finish(rt: Runtime, bucket: str, key: str, buffer: io.BytesIO, checkpoint: dict[str, Any]) -> int:
    if "upload_id" not in checkpoint:
        body = buffer.getvalue()
        rt.s3.put_object(
            Bucket=bucket, Key=key, Body=body, ContentType="text/csv; charset=utf-8", ServerSideEncryption="AES256"
        )
        return len(body)
    if buffer.tell():
        _upload_part(rt, bucket, key, buffer, checkpoint)
    rt.s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=checkpoint["upload_id"], MultipartUpload={"Parts": checkpoint["parts"]}
    )
    return int(checkpoint["size"])
