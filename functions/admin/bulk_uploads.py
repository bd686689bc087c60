"""マスタ一括登録, the request side: keep the uploaded file and queue the job; the workers function
validates and applies it (functions/workers/bulk.py) and the console follows its progress."""

from __future__ import annotations

from admin.errors import BulkKindForbidden, BulkKindNotFound, BulkUploadNotFound, FileTooLarge, NoBulkKind
from admin.schemas import BulkSpecs, BulkSpecView, JobList
from shoken import api, audit, console
from shoken.bulk_specs import SPECS
from shoken.console_models import JobView
from shoken.db import jobs, ledger
from shoken.errors import FileEmpty
from shoken.principal import Principal
from shoken.runtime import Runtime
from shoken.status import JobState


def specs(caller: Principal) -> BulkSpecs:
    return BulkSpecs(
        specs=[
            BulkSpecView(spec=name, label=spec.label, columns=spec.headers, notes=list(spec.notes))
            for name, spec in SPECS.items()
            if caller.role in spec.roles
        ]
    )


def upload(rt: Runtime, caller: Principal, spec: str, raw: bytes, file_name: str | None) -> JobView:
    if spec not in SPECS:
        raise NoBulkKind()
    label, roles = SPECS[spec].label, SPECS[spec].roles
    if caller.role not in roles:
        raise BulkKindForbidden(label=label)
    if not raw.strip():
        raise FileEmpty()
    if len(raw) > console.MAX_UPLOAD_BYTES:
        raise FileTooLarge()
    job_id, stored = console.stage(rt, "bulk", raw, file_name, f"{spec}.csv")
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
    return console.job_view(record)


def list_own(rt: Runtime, caller: Principal) -> JobList:
    own = jobs.list_for_owner(rt.db, caller.user_id)
    return JobList(items=[console.job_view(r) for r in own if r.get("job_kind") == "bulk_upload"])


def get(rt: Runtime, caller: Principal, job_id: str) -> JobView:
    record = jobs.get(rt.db, job_id)
    if record is None or record.get("job_kind") != "bulk_upload" or record["owner"].get("user_id") != caller.user_id:
        raise BulkUploadNotFound()
    return console.job_view(record)


def template(caller: Principal, spec: str) -> tuple[str, bytes]:
    """The CSV template of a kind the caller may upload: header, allowed values and an example (# lines)."""
    if spec not in SPECS or caller.role not in SPECS[spec].roles:
        raise BulkKindNotFound()
    return f"{spec}-template.csv", SPECS[spec].template()
