"""住民名簿 (issues 15/23): a committee admin uploads a programme's resident list and searches it at the
counter. The list is processed by the workers (functions/workers/residents.py); only keyed hashes stay.
Every search names a reason from a short list and is in the audit log, without the typed values."""

from __future__ import annotations

from programme.errors import ResidentFileTooLarge, ResidentImportNotFound, ResidentListErased
from programme.schemas import (
    ResidentListView,
    ResidentSearch,
    ResidentSearchResult,
    ResidentUploadList,
    ResidentUploadView,
)
from shoken import audit, console, residents
from shoken.db import jobs, keys, programmes
from shoken.db import residents as resident_items
from shoken.db.dynamo import Item
from shoken.errors import FileEmpty, ProgrammeNotFound, ReasonRequired, ResidentListMissing
from shoken.principal import Principal
from shoken.runtime import Runtime


def _programme(rt: Runtime, caller: Principal, programme_id: str) -> Item:
    return console.in_scope(caller, programmes.get(rt.db, programme_id), ProgrammeNotFound)


def status(rt: Runtime, caller: Principal, programme_id: str) -> ResidentListView:
    _programme(rt, caller, programme_id)
    record = resident_items.current(rt.db, programme_id)
    return ResidentListView(
        programme_id=programme_id,
        listed=record is not None,
        count=int(record["count"]) if record else 0,
        uploaded_at=str(record["uploaded_at"]) if record else None,
        uploaded_by=str((record.get("uploaded_by") or {}).get("name") or "") or None if record else None,
        file_name=record.get("file_name") if record else None,
        columns=[h for h, _ in residents.COLUMNS],
        reasons=residents.REASONS,
    )


def upload(rt: Runtime, caller: Principal, programme_id: str, raw: bytes, file_name: str | None) -> ResidentUploadView:
    programme = _programme(rt, caller, programme_id)
    if programme.get("personal_data_deleted_on"):  # issue 23.3: a deleted programme's list stays deleted
        raise ResidentListErased()
    if not raw.strip():
        raise FileEmpty()
    if len(raw) > console.MAX_UPLOAD_BYTES:
        raise ResidentFileTooLarge()
    # the file is deleted by the worker when the job ends; the bucket expires it too
    job_id, stored = console.stage(rt, "residents", raw, file_name, "residents.csv")
    committee_id = str(programme["committee_id"])
    record = jobs.item(
        job_id,
        job_kind="resident_list",
        owner=audit.actor_of(caller) | {"committee_id": committee_id, "company_id": None, "store_id": None},
        scope={"committee_id": committee_id},
        params={"programme_id": programme_id, **stored},
        now=rt.clock.now(),
        label=f"住民名簿の取込 ({programme['name']})",
        shared_list=keys.resident_uploads(programme_id),
    )
    jobs.create(rt.db, record, audit=console.programme_entry(rt, "resident_list_upload", programme, bytes=len(raw)))
    return view(record)


def list_uploads(rt: Runtime, caller: Principal, programme_id: str) -> ResidentUploadList:
    _programme(rt, caller, programme_id)
    return ResidentUploadList(items=[view(r) for r in jobs.list_shared(rt.db, keys.resident_uploads(programme_id))])


def get_upload(rt: Runtime, caller: Principal, programme_id: str, job_id: str) -> ResidentUploadView:
    _programme(rt, caller, programme_id)
    record = jobs.get(rt.db, job_id)
    if (
        record is None
        or record.get("job_kind") != "resident_list"
        or (record.get("params") or {}).get("programme_id") != programme_id
    ):
        raise ResidentImportNotFound()
    return view(record)


def view(record: Item) -> ResidentUploadView:
    return ResidentUploadView(**console.job_view(record).model_dump(), diff=record.get("diff"))


def search(rt: Runtime, caller: Principal, programme_id: str, body: ResidentSearch) -> ResidentSearchResult:
    """Whether the typed resident is on the list; the values typed are hashed, never stored or logged."""
    programme = _programme(rt, caller, programme_id)
    if body.reason not in residents.REASONS:
        raise ReasonRequired(details=[{"field": "reason", "reason": "invalid", "reason_ja": ReasonRequired.message}])
    # a field that cannot be normalised is refused as residents.FieldError (400, with its sentence)
    who = residents.person(body.resident_key, body.name_kana, body.birth_date)
    listed, current = resident_items.is_listed(
        rt.db, programme_id, residents.matching_hash(rt.resident_key, programme_id, who)
    )
    if current is None:
        raise ResidentListMissing()
    console.programme_event(
        "resident_searched", programme, reason=body.reason, reason_label=residents.REASONS[body.reason], found=listed
    )
    return ResidentSearchResult(
        listed=listed,
        message="名簿に登録されています。" if listed else "名簿に該当する住民はいません。入力内容をご確認ください。",
    )
