"""マスタ一括登録, the request side: keep the uploaded file and queue the job; the workers function
validates and applies it (functions/workers/bulk.py) and the console follows its progress."""

from __future__ import annotations

import urllib.parse

from admin.errors import BulkKindForbidden, BulkKindNotFound, BulkUploadNotFound, FileEmpty, FileTooLarge, NoBulkKind
from admin.schemas import BulkSpecs, BulkSpecView, JobCreated, JobError, JobList, JobView
from shoken import api, audit, ids
from shoken.bulk_specs import SPECS
from shoken.config import AdminConfig
from shoken.db import jobs, ledger
from shoken.db.dynamo import Item
from shoken.principal import Principal
from shoken.runtime import Runtime
from shoken.status import JobState

MAX_BYTES = 10 * 1024 * 1024


def specs(caller: Principal) -> BulkSpecs:
    return BulkSpecs(
        specs=[
            BulkSpecView(spec=name, label=spec.label, columns=spec.headers, notes=list(spec.notes))
            for name, spec in SPECS.items()
            if caller.role in spec.roles
        ]
    )


def stage(rt: Runtime, folder: str, raw: bytes, file_name: str | None, default_name: str) -> tuple[str, dict[str, str]]:
    """An uploaded file put where its job reads it, under a new job id: the id, and the job's params
    naming the object and the file (the name as the browser sent it, percent-encoded, cut to 200)."""
    config = rt.require(AdminConfig)
    job_id = ids.random_token(12)
    key = f"{folder}/{job_id}.csv"
    rt.s3.put_object(Bucket=config.upload_bucket, Key=key, Body=raw, ServerSideEncryption="AES256")
    name = urllib.parse.unquote(file_name or "")[:200] or default_name
    return job_id, {"bucket": config.upload_bucket, "key": key, "file_name": name}


def upload(rt: Runtime, caller: Principal, spec: str, raw: bytes, file_name: str | None) -> JobView:
    if spec not in SPECS:
        raise NoBulkKind()
    label, roles = SPECS[spec].label, SPECS[spec].roles
    if caller.role not in roles:
        raise BulkKindForbidden(label=label)
    if not raw.strip():
        raise FileEmpty()
    if len(raw) > MAX_BYTES:
        raise FileTooLarge()
    job_id, stored = stage(rt, "bulk", raw, file_name, f"{spec}.csv")
    record = jobs.item(
        job_id,
        job_kind="bulk_upload",
        owner=audit.actor_of(caller)
        | {"committee_id": caller.committee_id, "company_id": caller.company_id, "store_id": caller.store_id},
        scope={"committee_id": caller.committee_id, "company_id": caller.company_id, "store_id": caller.store_id},
        params={"spec": spec, **stored},
        now=rt.clock.now(),
        label=f"マスタ一括登録 ({label})",
    )
    entry = api.audit_item(
        "bulk_upload",
        scope=caller.scope,
        target_type="job",
        target_id=job_id,
        spec=spec,
        bytes=len(raw),
        state=JobState.QUEUED,
    )
    jobs.create(rt.db, record, audit=ledger.audit_action(rt.db, entry))
    return view(record)


def list_own(rt: Runtime, caller: Principal) -> JobList:
    return JobList(
        items=[view(r) for r in jobs.list_for_owner(rt.db, caller.user_id) if r.get("job_kind") == "bulk_upload"]
    )


def get(rt: Runtime, caller: Principal, job_id: str) -> JobView:
    record = jobs.get(rt.db, job_id)
    if record is None or record.get("job_kind") != "bulk_upload" or record["owner"].get("user_id") != caller.user_id:
        raise BulkUploadNotFound()
    return view(record)


def view(record: Item) -> JobView:
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


def template(caller: Principal, spec: str) -> tuple[str, bytes]:
    """The CSV template of a kind the caller may upload: header, allowed values and an example (# lines)."""
    if spec not in SPECS or caller.role not in SPECS[spec].roles:
        raise BulkKindNotFound()
    return f"{spec}-template.csv", SPECS[spec].template()
