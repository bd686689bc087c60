"""企業 / 店舗 / 端末: create, edit, list, detail within the caller's scope (SPEC §3.4, manual 端末詳細).

Committee admins (and the system admin) register companies and stores; company admins and staff
register and manage the terminals of their stores. Ids come from sequences in the manual's formats.
"""

from __future__ import annotations

from typing import Any

from admin import listing, lookup
from admin.schemas import (
    STATUS_LABELS,
    CompanyCreate,
    CompanyList,
    CompanySearch,
    CompanyUpdate,
    CompanyView,
    StoreCreate,
    StoreList,
    StoreSearch,
    StoreUpdate,
    StoreView,
    TerminalCreate,
    TerminalList,
    TerminalSearch,
    TerminalUpdate,
    TerminalView,
)
from shoken import api, ids
from shoken.clock import iso
from shoken.db import committees, companies, guards, keys, sequences, stores, terminals
from shoken.db.dynamo import Expr, Item
from shoken.errors import Conflict, Forbidden, InvalidRequest, NotFound
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime

COMMITTEE_LEVEL = (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN)


def _require_committee_level(caller: Principal) -> None:
    if caller.role not in COMMITTEE_LEVEL:
        raise Forbidden("この操作はアクワイアラ管理者のみ行えます。")


def _visible(caller: Principal, record: Item | None, what: str) -> Item:
    if record is None or not caller.covers(Scope.of(record)):
        raise NotFound(f"{what}が見つかりません。")
    return record


def _set_expression(fields: dict[str, Any], expr: Expr) -> str:
    sets = [f"{expr.n(k)} = {expr.v(v)}" for k, v in fields.items() if v is not None]
    removes = [expr.n(k) for k, v in fields.items() if v is None]
    update = "SET " + ", ".join(sets)
    if removes:
        update += " REMOVE " + ", ".join(removes)
    return update


def _blank_to_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if v == "" else v) for k, v in values.items()}


def _merged(current: Item, values: dict[str, Any]) -> Item:
    """The record as it reads after an update that sets `values` (None removes the field)."""
    return {k: v for k, v in {**current, **values}.items() if v is not None}


def _insert(rt: Runtime, record: Item, record_id: str, guard: tuple[str, str, Any]) -> None:
    """Puts a new record with its external-id guard in one transaction (a taken external id is a conflict)."""
    kind, field, value = guard
    action = rt.db.tx_put(record, condition="attribute_not_exists(PK)")
    guards.save(rt.db, action, record_id, [(kind, field, None, value)], exists_error=Conflict())


def _apply(
    rt: Runtime, key: tuple[str, str], record_id: str, values: dict[str, Any], guard: guards.Change, what: str
) -> None:
    """Updates an existing record and moves its external-id guard in one transaction."""
    expr = Expr()
    action = rt.db.tx_update(key, _set_expression(values, expr), expr, condition=f"attribute_exists({expr.n('PK')})")
    guards.save(rt.db, action, record_id, [guard], exists_error=NotFound(f"{what}が見つかりません。"))


def _audit(action: str, kind: str, record: Item, **detail: Any) -> None:
    api.audit_event(action, scope=Scope.of(record), target_type=kind, target_id=str(record[f"{kind}_id"]), **detail)


# --- companies ------------------------------------------------------------------------------------
def company_view(record: Item) -> CompanyView:
    return CompanyView(**{**record, "status_label": STATUS_LABELS.get(str(record["status"]), str(record["status"]))})


def create_company(rt: Runtime, caller: Principal, body: CompanyCreate) -> CompanyView:
    _require_committee_level(caller)
    committee_id = caller.committee_id if caller.role is Role.COMMITTEE_ADMIN else body.committee_id
    if not committee_id or not any(c["committee_id"] == committee_id for c in lookup.visible_committees(rt, caller)):
        raise InvalidRequest(
            details=[{"field": "committee_id", "reason": "required", "reason_ja": "アクワイアラを選択してください。"}]
        )
    values = _blank_to_none(body.model_dump(exclude={"committee_id"}))
    company_id = ids.company_id(sequences.next_value(rt.db, "company"))
    record = companies.item(company_id, committee_id=committee_id, now=iso(rt.clock.now()), **values)
    _insert(rt, record, company_id, ("company", "external_company_id", values.get("external_company_id")))
    _audit("company_created", "company", record)
    return company_view(record)


def update_company(rt: Runtime, caller: Principal, company_id: str, body: CompanyUpdate) -> CompanyView:
    _require_committee_level(caller)
    current = _visible(caller, companies.get(rt.db, company_id, consistent=True), "企業")
    values = _blank_to_none(body.model_dump())
    values["updated_at"] = iso(rt.clock.now())
    guard = ("company", "external_company_id", current.get("external_company_id"), values.get("external_company_id"))
    _apply(rt, keys.company(company_id), company_id, values, guard, "企業")
    if values["name"] != current["name"]:
        # Stores carry their company's name (shown in history and lists); keep it current.
        for store in stores.list_for_company(rt.db, company_id):
            name_expr = Expr()
            rt.db.update(
                keys.store(str(store["store_id"])),
                f"SET {name_expr.n('company_name')} = {name_expr.v(values['name'])}",
                name_expr,
            )
    _audit("company_updated", "company", current)
    return company_view(_merged(current, values))


def get_company(rt: Runtime, caller: Principal, company_id: str) -> CompanyView:
    return company_view(_visible(caller, companies.get(rt.db, company_id), "企業"))


def search_companies(rt: Runtime, caller: Principal, query: CompanySearch) -> CompanyList:
    if caller.company_id and caller.role not in COMMITTEE_LEVEL:
        record = companies.get(rt.db, caller.company_id)
        return CompanyList(items=[company_view(record)] if record else [])
    committees = lookup.matching(lookup.visible_committees(rt, caller), query.committee_id, "committee_id")
    source = listing.Source([companies.list_pk(str(c["committee_id"])) for c in committees], "list1")

    def filters(expr: Expr) -> list[str]:
        return (
            listing.equals(expr, "company_id", query.company_id)
            + listing.contains(expr, "name", query.name)
            + listing.equals(expr, "status", query.status)
        )

    items, cursor = listing.read(rt, caller, query, source, filters, cursor=query.cursor, page_size=query.page_size)
    return CompanyList(items=[company_view(i) for i in items], next_cursor=cursor)


# --- stores ---------------------------------------------------------------------------------------
def store_view(record: Item) -> StoreView:
    return StoreView(
        **{
            **record,
            "large": bool(record.get("large")),
            "voucher_types": "共通券のみ" if record.get("large") else "共通券・専用券",
            "status_label": STATUS_LABELS.get(str(record["status"]), str(record["status"])),
        }
    )


def create_store(rt: Runtime, caller: Principal, body: StoreCreate) -> StoreView:
    _require_committee_level(caller)
    company = companies.get(rt.db, body.company_id, consistent=True)
    if company is None or not caller.covers(Scope.of(company)):
        raise InvalidRequest(
            details=[{"field": "company_id", "reason": "unknown", "reason_ja": "企業が見つかりません。"}]
        )
    values = _blank_to_none(body.model_dump(exclude={"company_id"}))
    store_id = ids.store_id(sequences.next_value(rt.db, "store"))
    record = stores.item(
        store_id,
        committee_id=str(company["committee_id"]),
        company_id=body.company_id,
        company_name=str(company["name"]),
        now=iso(rt.clock.now()),
        **values,
    )
    _insert(rt, record, store_id, ("store", "external_store_id", values.get("external_store_id")))
    _audit("store_created", "store", record)
    return store_view(record)


def update_store(rt: Runtime, caller: Principal, store_id: str, body: StoreUpdate) -> StoreView:
    _require_committee_level(caller)
    current = _visible(caller, stores.get(rt.db, store_id, consistent=True), "店舗")
    values = _blank_to_none(body.model_dump())
    values["updated_at"] = iso(rt.clock.now())
    guard = ("store", "external_store_id", current.get("external_store_id"), values.get("external_store_id"))
    _apply(rt, keys.store(store_id), store_id, values, guard, "店舗")
    committees.add_areas(rt.db, str(current["committee_id"]), {str(values.get("area") or "")})
    _audit("store_updated", "store", current, status=values["status"])
    return store_view(_merged(current, values))


def get_store(rt: Runtime, caller: Principal, store_id: str) -> StoreView:
    return store_view(_visible(caller, stores.get(rt.db, store_id), "店舗"))


def search_stores(rt: Runtime, caller: Principal, query: StoreSearch) -> StoreList:
    company_ids = (
        [
            str(c["company_id"])
            for c in lookup.matching(lookup.visible_companies(rt, caller), query.company, "company_id")
        ]
        if query.company
        else None
    )
    if company_ids == []:
        return StoreList(items=[])
    if caller.company_id and caller.role not in COMMITTEE_LEVEL:
        source = listing.Source([stores.company_list_pk(caller.company_id)], "list2")
    elif company_ids is not None and len(company_ids) <= 5:
        source = listing.Source([stores.company_list_pk(c) for c in company_ids], "list2")
    else:
        source = listing.Source(
            [stores.committee_list_pk(str(c["committee_id"])) for c in lookup.visible_committees(rt, caller)], "list1"
        )

    def filters(expr: Expr) -> list[str]:
        parts = (
            listing.equals(expr, "store_id", query.store_id)
            + listing.contains(expr, "name", query.name)
            + listing.equals(expr, "status", query.status)
            + listing.equals(expr, "external_store_id", query.external_store_id)
            + (listing.equals(expr, "large", query.large == "yes") if query.large else [])
        )
        if company_ids is not None and source.index == "list1":
            parts += listing.one_of(expr, "company_id", company_ids)
        if caller.store_id and caller.role in (Role.STORE_MANAGER, Role.STORE_STAFF):
            parts += listing.equals(expr, "store_id", caller.store_id)
        return parts

    items, cursor = listing.read(rt, caller, query, source, filters, cursor=query.cursor, page_size=query.page_size)
    return StoreList(items=[store_view(i) for i in items if caller.covers(Scope.of(i))], next_cursor=cursor)


# --- terminals ------------------------------------------------------------------------------------
def terminal_view(rt: Runtime, records: list[Item]) -> list[TerminalView]:
    store_keys = sorted({keys.store(str(r["store_id"])) for r in records})
    found = rt.db.batch_get(store_keys, consistent=False) if store_keys else {}
    out = []
    for r in records:
        store = found.get(keys.store(str(r["store_id"]))) or {}
        out.append(
            TerminalView(
                terminal_id=str(r["terminal_id"]),
                device_name=r.get("device_name"),
                company_id=str(r["company_id"]),
                company_name=store.get("company_name"),
                store_id=str(r["store_id"]),
                store_name=store.get("name"),
                password=str(r["password"]),
                use_type=str(r.get("use_type", terminals.USE_TYPE_MERCHANT_APP)),
                external_terminal_id=r.get("external_terminal_id"),
                external_service_name=r.get("external_service_name"),
                status=str(r["status"]),
                status_label=STATUS_LABELS.get(str(r["status"]), str(r["status"])),
                bound=bool(r.get("binding_id")),
                bound_at=r.get("bound_at"),
                setup_locked=int(r.get("failed_setups", 0)) >= 5,
                created_at=str(r["created_at"]),
                updated_at=str(r["updated_at"]),
            )
        )
    return out


def _terminal_manager(caller: Principal) -> None:
    if caller.role not in (*COMMITTEE_LEVEL, Role.COMPANY_ADMIN, Role.COMPANY_STAFF):
        raise Forbidden()


def create_terminal(rt: Runtime, caller: Principal, body: TerminalCreate) -> TerminalView:
    _terminal_manager(caller)
    store = stores.get(rt.db, body.store_id, consistent=True)
    if store is None or not caller.covers(Scope.of(store)):
        raise InvalidRequest(
            details=[{"field": "store_id", "reason": "unknown", "reason_ja": "店舗が見つかりません。"}]
        )
    values = _blank_to_none(body.model_dump(exclude={"store_id"}))
    terminal_id = ids.terminal_id(sequences.next_value(rt.db, "terminal"))
    record = terminals.item(
        terminal_id,
        committee_id=str(store["committee_id"]),
        company_id=str(store["company_id"]),
        store_id=body.store_id,
        password=ids.terminal_password(),
        now=iso(rt.clock.now()),
        **values,
    )
    _insert(rt, record, terminal_id, ("terminal", "external_terminal_id", _external_terminal_key(values)))
    _audit("terminal_created", "terminal", record)
    return terminal_view(rt, [record])[0]


def update_terminal(rt: Runtime, caller: Principal, terminal_id: str, body: TerminalUpdate) -> TerminalView:
    _terminal_manager(caller)
    current = _visible(caller, terminals.get(rt.db, terminal_id, consistent=True), "端末")
    values = _blank_to_none(body.model_dump())
    values["updated_at"] = iso(rt.clock.now())
    guard = ("terminal", "external_terminal_id", _external_terminal_key(current), _external_terminal_key(values))
    _apply(rt, keys.terminal(terminal_id), terminal_id, values, guard, "端末")
    _audit("terminal_updated", "terminal", current, status=values["status"])
    return terminal_view(rt, [_merged(current, values)])[0]


def regenerate_terminal_password(rt: Runtime, caller: Principal, terminal_id: str) -> TerminalView:
    """端末パスワードの再発行: a new four-digit password; also lifts a setup lock-out."""
    _terminal_manager(caller)
    _visible(caller, terminals.get(rt.db, terminal_id, consistent=True), "端末")
    expr = Expr()
    record = rt.db.update(
        keys.terminal(terminal_id),
        f"SET {expr.n('password')} = {expr.v(ids.terminal_password())}, {expr.n('failed_setups')} = {expr.v(0)}, "
        f"{expr.n('updated_at')} = {expr.v(iso(rt.clock.now()))}",
        expr,
    )
    _audit("terminal_password_regenerated", "terminal", record)
    return terminal_view(rt, [record])[0]


def unbind_terminal(rt: Runtime, caller: Principal, terminal_id: str) -> TerminalView:
    """端末設定の解除: the bound device (and every session on it) stops at its next request."""
    _terminal_manager(caller)
    _visible(caller, terminals.get(rt.db, terminal_id, consistent=True), "端末")
    expr = Expr()
    record = rt.db.update(
        keys.terminal(terminal_id),
        f"REMOVE {expr.n('binding_id')}, {expr.n('bound_at')} "
        f"SET {expr.n('updated_at')} = {expr.v(iso(rt.clock.now()))}",
        expr,
    )
    _audit("terminal_unbound", "terminal", record)
    return terminal_view(rt, [record])[0]


def get_terminal(rt: Runtime, caller: Principal, terminal_id: str) -> TerminalView:
    _terminal_manager(caller)
    return terminal_view(rt, [_visible(caller, terminals.get(rt.db, terminal_id), "端末")])[0]


def search_terminals(rt: Runtime, caller: Principal, query: TerminalSearch) -> TerminalList:
    _terminal_manager(caller)
    store_ids = (
        [str(s["store_id"]) for s in lookup.matching(lookup.visible_stores(rt, caller), query.store, "store_id")]
        if query.store
        else None
    )
    company_ids = (
        [
            str(c["company_id"])
            for c in lookup.matching(lookup.visible_companies(rt, caller), query.company, "company_id")
        ]
        if query.company
        else None
    )
    if store_ids == [] or company_ids == []:
        return TerminalList(items=[])
    if store_ids is not None and len(store_ids) <= 5:
        source = listing.Source([terminals.store_list_pk(s) for s in store_ids], "list1")
    elif caller.company_id and caller.role not in COMMITTEE_LEVEL:
        source = listing.Source(
            [terminals.store_list_pk(str(s["store_id"])) for s in lookup.visible_stores(rt, caller)], "list1"
        )
    else:
        source = listing.Source(
            [terminals.committee_list_pk(str(c["committee_id"])) for c in lookup.visible_committees(rt, caller)],
            "list2",
        )

    def filters(expr: Expr) -> list[str]:
        parts = (
            listing.equals(expr, "terminal_id", query.terminal_id)
            + listing.equals(expr, "external_terminal_id", query.external_terminal_id)
            + listing.equals(expr, "status", query.status)
            + listing.one_of(expr, "company_id", company_ids)
        )
        if store_ids is not None and len(store_ids) > 5:
            parts += listing.one_of(expr, "store_id", store_ids)
        return parts

    items, cursor = listing.read(rt, caller, query, source, filters, cursor=query.cursor, page_size=query.page_size)
    return TerminalList(items=terminal_view(rt, [i for i in items if caller.covers(Scope.of(i))]), next_cursor=cursor)


def _external_terminal_key(values: dict[str, Any]) -> str | None:
    """External terminal ids are unique within their external service (e.g. enacity)."""
    external = values.get("external_terminal_id")
    return f"{values.get('external_service_name') or '-'}#{external}" if external else None
