"""ダウンロード予約, the worker side: write the file of a history search to S3.

CSV goes up in parts of about 5 MiB: memory holds one part and one page of rows whatever the
export's size. Parts are cut at page ends, and a lap ends only right after a part is uploaded, with
the multipart upload, its parts and the search's cursor in the checkpoint, so the next lap continues
the same file exactly.
XLSX is a zip that is only whole when closed, so it is written in one lap, row by row in
xlsxwriter's constant-memory mode to a temporary file (memory stays flat), then uploaded from disk;
a sheet holds at most 1,048,575 rows, and a bigger export is refused with a message to use CSV.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from shoken import exports, history_search, sheets
from shoken.clock import epoch, parse_iso
from shoken.config import WorkerConfig
from shoken.db import jobs as job_items
from shoken.db import transactions
from shoken.db.dynamo import Item
from shoken.history_models import HistorySearch
from shoken.principal import Principal
from shoken.runtime import Runtime
from shoken.status import JobState
from workers import jobs

PART_BYTES = 5 * 1024 * 1024  # S3's smallest part (but the last)
PAGE = 1000


def pages(
    rt: Runtime, owner: Principal, query: HistorySearch, start: datetime, end: datetime, state: Any
) -> Iterator[tuple[list[Item], Any, int]]:
    """(rows of a page, cursor after it or None at the end, percent done) until the search is read."""
    if query.number:
        record = transactions.get_item(rt.db, query.number.strip()) if state != "end" else None
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
    if params.get("format") == sheets.Format.XLSX:
        _run_xlsx(rt, job, query, start, end)
        return
    checkpoint: dict[str, Any] = dict(job.get("checkpoint") or {"rows": 0, "parts": [], "size": 0, "state": None})
    buffer = io.BytesIO()
    if checkpoint["rows"] == 0 and not checkpoint["parts"]:
        buffer.write(exports.csv_start())
        job_items.update(rt.db, job_id, rt.clock.now(), state=JobState.RUNNING, message="作成中", progress=0)
    for rows, state, progress in pages(rt, job_items.owner_principal(job), query, start, end, checkpoint["state"]):
        for record in rows:
            buffer.write(exports.csv_row(record))
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
    _done(rt, job, checkpoint["rows"], size)


def _done(rt: Runtime, job: Item, rows: int, size: int) -> None:
    retention = timedelta(days=rt.require(WorkerConfig).export_retention_days)
    jobs.done(
        rt,
        job,
        progress=100,
        done_count=rows,
        size=size,
        checkpoint={"rows": rows, "state": "end"},
        file_expires_epoch=epoch(rt.clock.now() + retention),
        message=f"{rows:,}件",
    )


def _run_xlsx(rt: Runtime, job: Item, query: HistorySearch, start: datetime, end: datetime) -> None:
    job_id = str(job["job_id"])
    bucket, key = str(job["params"]["bucket"]), str(job["params"]["key"])
    job_items.update(rt.db, job_id, rt.clock.now(), state=JobState.RUNNING, message="作成中", progress=0)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        sheet = sheets.XlsxSheet(path, exports.COLUMNS, title="取引履歴")
        rows = reported = 0
        for page, _, progress in pages(rt, job_items.owner_principal(job), query, start, end, None):
            if rows + len(page) > sheets.XLSX_MAX_ROWS:
                sheet.close()
                jobs.fail(
                    rt,
                    job,
                    message=f"Excel形式は{sheets.XLSX_MAX_ROWS:,}件までです。期間を分けるかCSV形式で予約してください。",
                )
                return
            for record in page:
                sheet.add(exports.values(record))
            rows += len(page)
            if progress >= reported + 10:  # a progress write per tenth, not per page
                reported = progress
                job_items.update(rt.db, job_id, rt.clock.now(), done_count=rows, progress=progress)
        sheet.close()
        size = os.path.getsize(path)
        with open(path, "rb") as body:  # streamed from disk, not read into memory
            rt.s3.put_object(
                Bucket=bucket, Key=key, Body=body, ContentType=sheets.XLSX_TYPE, ServerSideEncryption="AES256"
            )
    finally:
        os.unlink(path)
    _done(rt, job, rows, size)


def _upload_part(rt: Runtime, bucket: str, key: str, buffer: io.BytesIO, checkpoint: dict[str, Any]) -> None:
    if "upload_id" not in checkpoint:
        created = rt.s3.create_multipart_upload(
            Bucket=bucket, Key=key, ContentType=sheets.CSV_TYPE, ServerSideEncryption="AES256"
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
        rt.s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=sheets.CSV_TYPE, ServerSideEncryption="AES256")
        return len(body)
    if buffer.tell():
        _upload_part(rt, bucket, key, buffer, checkpoint)
    rt.s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=checkpoint["upload_id"], MultipartUpload={"Parts": checkpoint["parts"]}
    )
    return int(checkpoint["size"])
