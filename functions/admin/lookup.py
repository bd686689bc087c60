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


def matching(items: list[Item], text: str | None, id_field: str, name_field: str = "name") -> list[Item]:
    """Items whose id equals `text` or whose name contains it (「IDまたは名称を入力」)."""
    if not text:
        return items
    needle = text.strip()
    return [i for i in items if str(i.get(id_field)) == needle or needle in str(i.get(name_field) or "")]


def matching_committees(
    rt: Runtime, caller: Principal, *, committee: str | None, issuer: str | None, service: str | None
) -> list[Item]:
    """The visible committees matching アクワイアラ, バリューイシュア and ウォレットサービス (each "ID or name";
    a committee is its own issuer, so the issuer id is the committee id)."""
    found = matching(visible_committees(rt, caller), committee, "committee_id")
    found = matching(found, issuer, "committee_id", "issuer_name")
    return matching(found, service, "wallet_service_id", "wallet_service_name")
