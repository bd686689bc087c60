"""Turning what an admin typed ("ID or name") into ids inside the caller's scope."""

from __future__ import annotations

from shoken.db import committees, companies, stores
from shoken.db.dynamo import Item
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime


def visible_committees(rt: Runtime, caller: Principal) -> list[Item]:
    everything = committees.list_all(rt.db)
    if caller.role is Role.SYSTEM_ADMIN:
        return everything
    return [c for c in everything if c["committee_id"] == caller.committee_id]


def visible_companies(rt: Runtime, caller: Principal) -> list[Item]:
    found: list[Item] = []
    for committee in visible_committees(rt, caller):
        found += companies.list_for_committee(rt.db, str(committee["committee_id"]))
    return [c for c in found if caller.covers(Scope(c["committee_id"], c["company_id"]))]


def visible_stores(rt: Runtime, caller: Principal) -> list[Item]:
    if caller.company_id and caller.role is not Role.SYSTEM_ADMIN:
        found = stores.list_for_company(rt.db, caller.company_id)
    else:
        found = []
        for committee in visible_committees(rt, caller):
            found += stores.list_for_committee(rt.db, str(committee["committee_id"]))
    return [s for s in found if caller.covers(Scope(s["committee_id"], s["company_id"], s["store_id"]))]


def matching(items: list[Item], text: str | None, id_field: str) -> list[Item]:
    """Items whose id equals `text` or whose name contains it (「IDまたは名称を入力」)."""
    if not text:
        return items
    needle = text.strip()
    return [i for i in items if str(i[id_field]) == needle or needle in str(i.get("name", ""))]
