"""The committee's contact (お問い合わせ先): name, phone and hours, shown in every app's footer."""

from __future__ import annotations

from admin.schemas import CommitteeContact
from shoken import api
from shoken.clock import iso
from shoken.db import committees, keys
from shoken.db.dynamo import Expr, Item
from shoken.errors import Forbidden, NotFound
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime


def _view(record: Item) -> CommitteeContact:
    return CommitteeContact(
        committee_id=str(record["committee_id"]),
        name=str(record["name"]),
        contact_phone=record.get("contact_phone") or None,
        contact_hours=record.get("contact_hours") or None,
    )


def _visible(rt: Runtime, caller: Principal, committee_id: str) -> Item:
    record = committees.get(rt.db, committee_id)
    if record is None or not caller.in_committee(committee_id):
        raise NotFound("アクワイアラが見つかりません。")
    return record


def get(rt: Runtime, caller: Principal, committee_id: str) -> CommitteeContact:
    return _view(_visible(rt, caller, committee_id))


def update(rt: Runtime, caller: Principal, committee_id: str, body: CommitteeContact) -> CommitteeContact:
    if caller.role not in (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN):
        raise Forbidden("この操作はアクワイアラ管理者のみ行えます。")
    _visible(rt, caller, committee_id)
    expr = Expr()
    fields = {
        "name": body.name,
        "contact_phone": body.contact_phone,
        "contact_hours": body.contact_hours,
        "updated_at": iso(rt.clock.now()),
    }
    sets = ", ".join(f"{expr.n(k)} = {expr.v(v)}" for k, v in fields.items())
    record = rt.db.update(keys.committee(committee_id), f"SET {sets}", expr, condition="attribute_exists(PK)")
    api.audit_event(
        "committee_contact_updated", scope=Scope(committee_id), target_type="committee", target_id=committee_id
    )
    return _view(record)
