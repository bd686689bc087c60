"""お知らせ (notices) as the committee writes them: create, edit and withdraw until they end, audited."""

from __future__ import annotations

from typing import Any

from admin import lookup
from admin.errors import (
    ChooseCommittee,
    CommitteeAdminOnly,
    NoticeArea,
    NoticeAudience,
    NoticeChanged,
    NoticeClosed,
    NoticeEnded,
    NoticeProgramme,
)
from admin.schemas import JobList, NoticeAdminList, NoticeAdminQuery, NoticeFields, NoticeView
from shoken import api, console
from shoken.clock import iso, jst_date
from shoken.db import committees, jobs, keys, programmes, sequences
from shoken.db import notices as notice_items
from shoken.db.dynamo import ConditionFailed, Item
from shoken.errors import CommitteeNotFound, DomainError, NoticeNotFound, field_problem
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.status import Status

AUDIENCE_LABELS = {
    "residents": "すべての利用者",
    "programme": "商品券事業の保有者",
    "merchants": "すべての加盟店",
    "area": "地区の加盟店",
}


def _require(caller: Principal) -> None:
    if caller.role not in (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN):
        raise CommitteeAdminOnly()


def _invalid(field: str, refusal: type[DomainError]) -> DomainError:
    """The refusal, with its own text beside the field too."""
    return refusal(details=[field_problem(field, "invalid", refusal)])


def _status(record: Item, today: str) -> tuple[str, str]:
    if record["status"] == Status.WITHDRAWN:
        return Status.WITHDRAWN, Status.WITHDRAWN.label
    if today < str(record["start_date"]):
        return "scheduled", "掲載予定"
    if today > str(record["end_date"]):
        return "ended", "掲載終了"
    return "showing", "掲載中"


def view(record: Item, today: str) -> NoticeView:
    audience = record["audience"]
    kind = str(audience["kind"])
    label = AUDIENCE_LABELS[kind]
    if kind == "programme":
        label += f" ({audience.get('programme_name') or audience['programme_id']})"
    elif kind == "area":
        label += f" ({audience['area']})"
    status, status_label = _status(record, today)
    return NoticeView(
        notice_id=str(record["notice_id"]),
        committee_id=str(record["committee_id"]),
        title=str(record["title"]),
        body=str(record["body"]),
        start_date=str(record["start_date"]),
        end_date=str(record["end_date"]),
        audience=kind,
        audience_label=label,
        programme_id=audience.get("programme_id"),
        area=audience.get("area"),
        status=status,
        status_label=status_label,
        editable=status in ("scheduled", "showing"),
        created_at=str(record["created_at"]),
        updated_at=str(record["updated_at"]),
    )


def _committee_for(rt: Runtime, caller: Principal, wanted: str | None) -> Item:
    committee_id = caller.committee_id if caller.role is Role.COMMITTEE_ADMIN else wanted
    visible = {str(c["committee_id"]): c for c in lookup.visible_committees(rt, caller)}
    if not committee_id or committee_id not in visible:
        raise _invalid("committee_id", ChooseCommittee)
    return visible[committee_id]


def _fields(rt: Runtime, committee: Item, body: NoticeFields) -> dict[str, Any]:
    """The stored fields, after the rules that need the table: the audience exists, the end is not past."""
    audience: dict[str, Any] = {"kind": body.audience}
    if body.audience == "programme":
        programme = programmes.get(rt.db, body.programme_id, consistent=False) if body.programme_id else None
        if programme is None or programme["committee_id"] != committee["committee_id"]:
            raise _invalid("programme_id", NoticeProgramme)
        audience.update(programme_id=body.programme_id, programme_name=str(programme["name"]))
    elif body.audience == "area":
        if not body.area or body.area not in set(committee.get("areas") or []):
            raise _invalid("area", NoticeArea)
        audience["area"] = body.area
    elif body.audience not in ("residents", "merchants"):
        raise _invalid("audience", NoticeAudience)
    if body.end_date.isoformat() < jst_date(rt.clock.now()):
        raise _invalid("end_date", NoticeEnded)
    return {
        "title": body.title,
        "body": body.body,
        "start_date": body.start_date.isoformat(),
        "end_date": body.end_date.isoformat(),
        "audience": audience,
    }


def create(rt: Runtime, caller: Principal, body: NoticeFields) -> NoticeView:
    _require(caller)
    committee = _committee_for(rt, caller, body.committee_id)
    fields = _fields(rt, committee, body)
    notice_id = f"N{sequences.next_value(rt.db, 'notice'):06d}"
    now = iso(rt.clock.now())
    record = notice_items.item(
        notice_id, committee_id=str(committee["committee_id"]), fields=fields, created_by=caller.user_id, now=now
    )
    rt.db.put(record, condition="attribute_not_exists(PK)")
    api.audit_event(
        "notice_created",
        scope=Scope(str(committee["committee_id"])),
        target_type="notice",
        target_id=notice_id,
        audience=notice_items.audience_key(fields["audience"]),
    )
    return view(record, jst_date(rt.clock.now()))


def _visible(rt: Runtime, caller: Principal, notice_id: str) -> Item:
    _require(caller)
    record = notice_items.get(rt.db, notice_id)
    if record is None or not caller.in_committee(str(record["committee_id"])):
        raise NoticeNotFound()
    return record


def _open(rt: Runtime, record: Item) -> None:
    if record["status"] != Status.ACTIVE or str(record["end_date"]) < jst_date(rt.clock.now()):
        raise NoticeClosed()


def get(rt: Runtime, caller: Principal, notice_id: str) -> NoticeView:
    return view(_visible(rt, caller, notice_id), jst_date(rt.clock.now()))


def update(rt: Runtime, caller: Principal, notice_id: str, body: NoticeFields) -> NoticeView:
    current = _visible(rt, caller, notice_id)
    _open(rt, current)
    committee_id = str(current["committee_id"])
    committee = committees.get(rt.db, committee_id)
    if committee is None:
        raise CommitteeNotFound()
    fields = _fields(rt, committee, body)
    fields.update(notice_items.live_list(committee_id, notice_id, fields), updated_at=iso(rt.clock.now()))
    try:
        record = notice_items.update_fields(rt.db, notice_id, fields, expected_version=int(current["version"]))
    except ConditionFailed as error:
        raise NoticeChanged() from error
    api.audit_event(
        "notice_updated",
        scope=Scope(committee_id),
        target_type="notice",
        target_id=notice_id,
        audience=notice_items.audience_key(fields["audience"]),
    )
    return view(record, jst_date(rt.clock.now()))


def withdraw(rt: Runtime, caller: Principal, notice_id: str) -> NoticeView:
    current = _visible(rt, caller, notice_id)
    _open(rt, current)
    try:
        record = notice_items.withdraw(rt.db, notice_id, now=iso(rt.clock.now()), by=caller.user_id)
    except ConditionFailed as error:
        raise NoticeClosed() from error
    api.audit_event(
        "notice_withdrawn", scope=Scope(str(current["committee_id"])), target_type="notice", target_id=notice_id
    )
    return view(record, jst_date(rt.clock.now()))


def list_for_committee(rt: Runtime, caller: Principal, query: NoticeAdminQuery) -> NoticeAdminList:
    _require(caller)
    today = jst_date(rt.clock.now())
    found: list[Item] = []
    areas: set[str] = set()
    for committee in lookup.visible_committees(rt, caller):
        if query.committee_id and committee["committee_id"] != query.committee_id:
            continue
        found += notice_items.for_committee(rt.db, str(committee["committee_id"]))
        areas |= {str(a) for a in committee.get("areas") or []}
    found.sort(key=lambda r: str(r["created_at"]), reverse=True)
    return NoticeAdminList(items=[view(r, today) for r in found], areas=sorted(areas))


def list_reminders(rt: Runtime, caller: Principal) -> JobList:
    """失効お知らせメール jobs of the caller's committees, newest first, with their progress and counts."""
    _require(caller)
    found = [
        job
        for committee in lookup.visible_committees(rt, caller)
        for job in jobs.list_shared(rt.db, keys.reminder_jobs(str(committee["committee_id"])))
    ]
    found.sort(key=lambda j: str(j["created_at"]), reverse=True)
    return JobList(items=[console.job_view(j) for j in found])
