"""ダウンロード予約 and ファイルダウンロード, the request side: queue an export of the current search,
list the caller's files with their state, and hand out a short-lived link to a finished one."""

from __future__ import annotations

from datetime import UTC, datetime

from history.export_models import ExportLink, ExportList, ExportRequest, ExportView
from shoken import api, audit, history_search, ids, sheets
from shoken.clock import epoch, iso, parse_iso
from shoken.config import HistoryConfig
from shoken.db import jobs
from shoken.db.dynamo import Item
from shoken.history_errors import FileExpired, FileNotFound, FileNotReady
from shoken.history_models import HistorySearch
from shoken.principal import Principal
from shoken.runtime import Runtime
from shoken.status import JobState

# Jobs whose result is a file of ファイルダウンロード: history exports, and 開示請求 files (issue 23.4).
FILE_KINDS = ("export", "disclosure")


def reserve(rt: Runtime, caller: Principal, request: ExportRequest) -> ExportView:
    fmt = sheets.Format(request.format)
    query = HistorySearch.model_validate(request.model_dump(exclude={"format"}))
    start, end = history_search.time_range(query, rt.clock.now())  # refuse a bad range now, not later
    config = rt.require(HistoryConfig)
    job_id = ids.random_token(12).replace("-", "x").replace("_", "y")
    params = query.model_dump(exclude={"cursor", "page_size"})
    label = (
        f"取引履歴 {start.strftime('%Y/%m/%d')}～{end.strftime('%Y/%m/%d')}"
        if not query.number
        else f"取引履歴 取引番号 {query.number}"
    ) + (" (Excel)" if fmt is sheets.Format.XLSX else " (CSV)")
    record = jobs.item(
        job_id,
        job_kind="export",
        owner=audit.actor_of(caller)
        | {
            "committee_id": caller.committee_id,
            "company_id": caller.company_id,
            "store_id": caller.store_id,
            "app": caller.app,
        },
        scope={"committee_id": caller.committee_id, "company_id": caller.company_id, "store_id": caller.store_id},
        params={
            "query": params,
            "bucket": config.export_bucket,
            "key": f"exports/{job_id}.{fmt.value}",
            "format": fmt.value,
            "range": [iso(start), iso(end)],
        },
        now=rt.clock.now(),
        label=label,
    )
    jobs.create(rt.db, record)
    api.audit_event(
        "export_reserved",
        scope=caller.scope,
        target_type="export",
        target_id=job_id,
    )
    return view(rt, record)


def list_own(rt: Runtime, caller: Principal) -> ExportList:
    return ExportList(
        items=[view(rt, r) for r in jobs.list_for_owner(rt.db, caller.user_id) if r.get("job_kind") in FILE_KINDS]
    )


def link(rt: Runtime, caller: Principal, job_id: str) -> ExportLink:
    record = jobs.get(rt.db, job_id)
    if record is None or record.get("job_kind") not in FILE_KINDS or record["owner"].get("user_id") != caller.user_id:
        raise FileNotFound()
    if record.get("state") != JobState.DONE:
        raise FileNotReady()
    if int(record.get("file_expires_epoch", 0)) <= epoch(rt.clock.now()):
        raise FileExpired()
    config = rt.require(HistoryConfig)
    params = record["params"]
    if params.get("file_name"):  # a file named by its job (開示請求: marked as holding personal data)
        filename, content_type = str(params["file_name"]), str(params["content_type"])
    else:
        fmt = sheets.Format(params.get("format", "csv"))
        filename = f"history_{sheets.file_stamp(parse_iso(str(record['created_at'])))}_{job_id}.{fmt.value}"
        content_type = fmt.content_type
    url = rt.s3_links.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": record["params"]["bucket"],
            "Key": record["params"]["key"],
            "ResponseContentDisposition": sheets.attachment(filename),
            "ResponseContentType": content_type,
        },
        ExpiresIn=config.export_link_seconds,
    )
    api.audit_event(
        "export_downloaded",
        scope=caller.scope,
        target_type="export",
        target_id=job_id,
        personal=True if params.get("personal") else None,
        reason_label=params.get("reason_label"),
    )
    return ExportLink(url=url, expires_in=config.export_link_seconds, filename=filename)


def view(rt: Runtime, record: Item) -> ExportView:
    expires = int(record.get("file_expires_epoch", 0))
    return ExportView(
        job_id=str(record["job_id"]),
        label=str(record["label"]),
        state=str(record["state"]),
        state_label=jobs.STATE_LABELS.get(str(record["state"]), str(record["state"])),
        progress=int(record.get("progress", 0)),
        rows=int(record.get("done_count", 0)),
        size=int(record.get("size", 0)),
        message=record.get("message"),
        created_at=str(record["created_at"]),
        updated_at=str(record["updated_at"]),
        expires_at=iso(datetime.fromtimestamp(expires, tz=UTC)) if expires else None,
        expired=bool(expires) and expires <= epoch(rt.clock.now()),
    )
