"""What the console's two functions (admin, programme) share: scope checks, a programme's audit
entries, and an uploaded file staged for its job."""

from __future__ import annotations

import urllib.parse
from typing import Any, TypeVar

from shoken import api, ids
from shoken.config import UploadConfig
from shoken.console_models import JobCreated, JobError, JobView
from shoken.db import jobs, ledger
from shoken.db.dynamo import Item
from shoken.db.records import Store, Terminal
from shoken.errors import NotFound
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime

# Largest file a console upload takes (マスタ一括登録, 住民名簿, 入金データ).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# A raw item (the readers of companies, committees, users…) or a typed record of the DAL.
Scoped = TypeVar("Scoped", Item, Store, Terminal)


def in_scope(caller: Principal, record: Scoped | None, missing: type[NotFound]) -> Scoped:
    """The record if it is there and within the caller's scope; else `missing`, the same refusal for
    both, so a caller learns nothing of records outside their scope."""
    if record is None or not caller.covers(Scope.of(record if isinstance(record, dict) else record.item)):
        raise missing()
    return record


def programme_entry(rt: Runtime, action: str, programme: Item, **details: Any) -> dict[str, Any]:
    """The audit entry about a programme, as an action of the transaction that makes the change."""
    scope = Scope(str(programme["committee_id"]))
    target = str(programme["programme_id"])
    return ledger.audit_action(
        rt.db, api.audit_item(action, scope=scope, target_type="programme", target_id=target, **details)
    )


def programme_event(action: str, programme: Item, **details: Any) -> None:
    """An audit entry about a programme, in its committee's trail."""
    api.audit_event(
        action,
        scope=Scope(str(programme["committee_id"])),
        target_type="programme",
        target_id=str(programme["programme_id"]),
        **details,
    )


def stage(rt: Runtime, folder: str, raw: bytes, file_name: str | None, default_name: str) -> tuple[str, dict[str, str]]:
    """An uploaded file put where its job reads it, under a new job id: the id, and the job's params
    naming the object and the file (the name as the browser sent it, percent-encoded, cut to 200)."""
    config = rt.require(UploadConfig)
    job_id = ids.random_token(12)
    key = f"{folder}/{job_id}.csv"
    rt.s3.put_object(Bucket=config.upload_bucket, Key=key, Body=raw, ServerSideEncryption="AES256")
    name = urllib.parse.unquote(file_name or "")[:200] or default_name
    return job_id, {"bucket": config.upload_bucket, "key": key, "file_name": name}


def job_view(record: Item) -> JobView:
    return JobView(
        job_id=str(record["job_id"]),
        job_kind=str(record["job_kind"]),
        label=str(record["label"]),
        state=str(record["state"]),
        state_label=jobs.STATE_LABELS.get(str(record["state"]), str(record["state"])),
        done_count=int(record.get("done_count", 0)),
        total_count=int(record.get("total_count", 0)),
        message=record.get("message"),
        error_count=int(record.get("error_count", 0)),
        errors=[JobError(**e) for e in record.get("errors") or []],
        created=[JobCreated(**c) for c in record.get("created") or []],
        file_name=(record.get("params") or {}).get("file_name"),
        created_at=str(record["created_at"]),
        updated_at=str(record["updated_at"]),
    )
