"""企業 / 店舗 / 端末: create, edit, list, detail within the caller's scope (SPEC §3.4, manual 端末詳細).

Committee admins (and the system admin) register companies and stores; company admins and staff
register and manage the terminals of their stores. Ids come from sequences in the manual's formats.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from admin import listing, lookup
from admin.errors import CommitteeAdminOnly, LocationHalf, StoreDetailsEditors, TerminalNotFound
from admin.schemas import (
    CompanyCreate,
    CompanyList,
    CompanySearch,
    CompanyUpdate,
    CompanyView,
    StoreCreate,
    StoreDetailsUpdate,
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
from shoken import api, console, entities, ids
from shoken.clock import iso
from shoken.db import committees, companies, guards, keys, ledger, sequences, stores, terminals
from shoken.db.dynamo import Expr, Item
from shoken.errors import CompanyNotFound, Conflict, Forbidden, NotFound, StoreNotFound
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.status import status_label

COMMITTEE_LEVEL = (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN)
RENAMED_WITH_COMPANY = 90  # of a company's stores, in its own transaction (with its guards and audit, under 100)


def _require_committee_level(caller: Principal) -> None:
    if caller.role not in COMMITTEE_LEVEL:
        raise CommitteeAdminOnly()


def _set_expression(fields: dict[str, Any], expr: Expr) -> str:
    sets = [f"{expr.n(k)} = {expr.v(v)}" for k, v in fields.items() if v is not None]
    removes = [expr.n(k) for k, v in fields.items() if v is None]
    update = "SET " + ", ".join(sets)
    if removes:
        update += " REMOVE " + ", ".join(removes)
    return update


def _blank_to_none(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as stored: '' is no value; a float (a store's latitude) is kept as its decimal text,
    since the table holds whole numbers only (money never meets a float)."""
    return {k: (None if v == "" else repr(v) if isinstance(v, float) else v) for k, v in values.items()}


def _merged(current: Item, values: dict[str, Any]) -> Item:
    """The record as it reads after an update that sets `values` (None removes the field)."""
    return {k: v for k, v in {**current, **values}.items() if v is not None}


def _insert(rt: Runtime, kind: str, record: Item, record_id: str, also: list[dict[str, Any]] | None = None) -> None:
    """Puts a new record with its external-id guards in one transaction (a taken external id is a conflict)."""
    action = rt.db.tx_put(record, condition="attribute_not_exists(PK)")
    guards.save(rt.db, action, record_id, guards.changes(kind, None, record), exists_error=Conflict(), also=also)


def _edited(rt: Runtime, body: BaseModel) -> dict[str, Any]:
    """A form's values as stored (blanks as absent), stamped with the time of the change."""
    values = _blank_to_none(body.model_dump())
    values["updated_at"] = iso(rt.clock.now())
    return values


def _apply(
    rt: Runtime,
    key: tuple[str, str],
    record_id: str,
    values: dict[str, Any],
    moved: list[guards.Change],
    missing: type[NotFound],
    also: list[dict[str, Any]] | None = None,
) -> None:
    """Updates an existing record and moves its external-id guard in one transaction."""
    expr = Expr()
    action = rt.db.tx_update(key, _set_expression(values, expr), expr, condition=f"attribute_exists({expr.n('PK')})")
    guards.save(rt.db, action, record_id, moved, exists_error=missing(), also=also)


def _new_area(rt: Runtime, store: Item, area: Any, before: Any = None) -> list[dict[str, Any]]:
    """The committee learns a store's area (地区) in the store's own write, when it is new for the store."""
    return [committees.add_area_action(rt.db, str(store["committee_id"]), area)] if area and area != before else []


def _audit(action: str, kind: str, record: Item, **detail: Any) -> None:
    api.audit_event(action, scope=Scope.of(record), target_type=kind, target_id=str(record[f"{kind}_id"]), **detail)


# --- companies ------------------------------------------------------------------------------------
def company_view(record: Item) -> CompanyView:
    return CompanyView(**{**record, "status_label": status_label(record["status"])})


def create_company(rt: Runtime, caller: Principal, body: CompanyCreate) -> CompanyView:
    named = committees.get(rt.db, body.committee_id) if body.committee_id else None
    home = entities.company_home(caller, body.committee_id, named)
    values = _blank_to_none(body.model_dump(exclude={"committee_id"}))
    company_id = ids.company_id(sequences.next_value(rt.db, "company"))
    record = companies.item(company_id, committee_id=str(home.committee_id), now=iso(rt.clock.now()), **values)
    _insert(rt, "company", record, company_id)
    _audit("company_created", "company", record)
    return company_view(record)


def update_company(rt: Runtime, caller: Principal, company_id: str, body: CompanyUpdate) -> CompanyView:
    _require_committee_level(caller)
    current = console.in_scope(caller, companies.get(rt.db, company_id, consistent=True), CompanyNotFound)
    values = _edited(rt, body)
    moved = guards.changes("company", current, values)
    # Stores carry their company's name (payments copy it into history). Every store whose copy differs
    # is renamed, not only on a change of name, so a save tried again mends a rename an earlier save
    # left half done; the first 90 go in the company's own transaction with its audit entry.
    renames = []
    for store in stores.list_for_company(rt.db, company_id):
        if store.get("company_name") != values["name"]:
            name_expr = Expr()
            update = f"SET {name_expr.n('company_name')} = {name_expr.v(values['name'])}"
            renames.append(rt.db.tx_update(keys.store(str(store["store_id"])), update, name_expr))
    entry = api.audit_item("company_updated", scope=Scope.of(current), target_type="company", target_id=company_id)
    also = [ledger.audit_action(rt.db, entry), *renames[:RENAMED_WITH_COMPANY]]
    _apply(rt, keys.company(company_id), company_id, values, moved, CompanyNotFound, also=also)
    rest = renames[RENAMED_WITH_COMPANY:]
    for start in range(0, len(rest), 100):
        rt.db.transact(rest[start : start + 100])
    return company_view(_merged(current, values))


def get_company(rt: Runtime, caller: Principal, company_id: str) -> CompanyView:
    return company_view(console.in_scope(caller, companies.get(rt.db, company_id), CompanyNotFound))


def search_companies(rt: Runtime, caller: Principal, query: CompanySearch) -> CompanyList:
    if caller.company_id and caller.role not in COMMITTEE_LEVEL:
        record = companies.get(rt.db, caller.company_id)
        return CompanyList(items=[company_view(record)] if record else [])
    committees = lookup.matching(lookup.visible_committees(rt, caller), query.committee_id, "committee_id")
    source = listing.Source(
        [companies.list_pk(str(c["committee_id"])) for c in committees], "list1", sk_equals=query.company_id
    )

    def filters(expr: Expr) -> list[str]:
        return listing.contains(expr, "name", query.name) + listing.equals(expr, "status", query.status)

    items, cursor = listing.read(rt, caller, query, source, filters, cursor=query.cursor, page_size=query.page_size)
    return CompanyList(items=[company_view(i) for i in items], next_cursor=cursor)


# --- stores ---------------------------------------------------------------------------------------
def store_view(record: Item) -> StoreView:
    return StoreView(
        **{
            **record,
            "large": bool(record.get("large")),
            "voucher_types": "共通券のみ" if record.get("large") else "共通券・専用券",
            "status_label": status_label(record["status"]),
        }
    )


def create_store(rt: Runtime, caller: Principal, body: StoreCreate) -> StoreView:
    company = companies.get(rt.db, body.company_id, consistent=True)
    entities.store_home(caller, company)
    assert company is not None
    values = _blank_to_none(body.model_dump(exclude={"company_id"}))
    store_id = ids.store_id(sequences.next_value(rt.db, "store"))
    record = stores.under(company, store_id, now=iso(rt.clock.now()), **values)
    _insert(rt, "store", record, store_id, also=_new_area(rt, record, values.get("area")))
    _audit("store_created", "store", record)
    return store_view(record)


def update_store(rt: Runtime, caller: Principal, store_id: str, body: StoreUpdate) -> StoreView:
    _require_committee_level(caller)
    store = console.in_scope(caller, stores.get(rt.db, store_id, consistent=True), StoreNotFound)
    values = _edited(rt, body)
    moved = guards.changes("store", store.item, values)
    also = _new_area(rt, store.item, values.get("area"), store.area)
    _apply(rt, keys.store(store_id), store_id, values, moved, StoreNotFound, also=also)
    _audit("store_updated", "store", store.item, status=values["status"])
    return store_view(_merged(store.item, values))


def update_store_details(rt: Runtime, caller: Principal, store_id: str, body: StoreDetailsUpdate) -> StoreView:
    """店舗情報 (電話番号・住所・地区・位置情報) by the committee or the store's own 企業管理者."""
    if caller.role not in (*COMMITTEE_LEVEL, Role.COMPANY_ADMIN):
        raise StoreDetailsEditors()
    store = console.in_scope(caller, stores.get(rt.db, store_id, consistent=True), StoreNotFound)
    values = _edited(rt, body)
    if (values["latitude"] is None) != (values["longitude"] is None):
        raise LocationHalf()
    also = _new_area(rt, store.item, values.get("area"), store.area)
    # No guard moves: the details carry no external ID.
    _apply(rt, keys.store(store_id), store_id, values, [], StoreNotFound, also=also)
    _audit("store_updated", "store", store.item, fields=[k for k in values if k != "updated_at"])
    return store_view(_merged(store.item, values))


def get_store(rt: Runtime, caller: Principal, store_id: str) -> StoreView:
    return store_view(console.in_scope(caller, stores.get(rt.db, store_id), StoreNotFound).item)


def search_stores(rt: Runtime, caller: Principal, query: StoreSearch) -> StoreList:
    company_ids = (
        [
            str(c["company_id"])
            for c in lookup.matching(lookup.visible_companies(rt, caller), query.company, "company_id")
        ]
        if query.company
        else None
    )
    exact = _exact_id(rt, query.store_id, "store", query.external_store_id)
    if company_ids == [] or exact == "":
        return StoreList(items=[])
    if caller.company_id and caller.role not in COMMITTEE_LEVEL:
        source = listing.Source([stores.company_list_pk(caller.company_id)], "list2", exact)
    elif company_ids is not None and len(company_ids) <= 5:
        source = listing.Source([stores.company_list_pk(c) for c in company_ids], "list2", exact)
    else:
        visible = lookup.visible_committees(rt, caller)
        committee_lists = [stores.committee_list_pk(str(c["committee_id"])) for c in visible]
        source = listing.Source(committee_lists, "list1", exact)

    def filters(expr: Expr) -> list[str]:
        parts = (
            listing.contains(expr, "name", query.name)
            + listing.equals(expr, "status", query.status)
            + (listing.equals(expr, "large", query.large == "yes") if query.large else [])
        )
        if company_ids is not None and source.index == "list1":
            parts += listing.one_of(expr, "company_id", company_ids)
        if caller.store_id and caller.role in (Role.STORE_MANAGER, Role.STORE_STAFF):
            parts += listing.equals(expr, "store_id", caller.store_id)
        return parts

    items, cursor = listing.read(rt, caller, query, source, filters, cursor=query.cursor, page_size=query.page_size)
    return StoreList(items=[store_view(i) for i in items if caller.covers(Scope.of(i))], next_cursor=cursor)


def _exact_id(rt: Runtime, record_id: str | None, guard_kind: str, external_id: str | None) -> str | None:
    """The id an exact search names, directly or by its external id ("" when they name nothing or
    different records; None when the search names no exact id)."""
    owner = guards.owner_of(rt.db, guard_kind, external_id) if external_id else None
    if external_id and owner is None:
        return ""
    if record_id and owner and record_id != owner:
        return ""
    return record_id or owner


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
                status_label=status_label(r["status"]),
                bound=bool(r.get("binding_id")),
                bound_at=r.get("bound_at"),
                bound_device=r.get("bound_device"),
                setup_locked=terminals.setup_locked(r),
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
    entities.terminal_home(caller, store.item if store else None)
    assert store is not None
    values = _blank_to_none(body.model_dump(exclude={"store_id"}))
    terminal_id = ids.terminal_id(sequences.next_value(rt.db, "terminal"))
    record = terminals.under(
        store.item, terminal_id, password=ids.terminal_password(), now=iso(rt.clock.now()), **values
    )
    _insert(rt, "terminal", record, terminal_id)
    _audit("terminal_created", "terminal", record)
    return terminal_view(rt, [record])[0]


def update_terminal(rt: Runtime, caller: Principal, terminal_id: str, body: TerminalUpdate) -> TerminalView:
    _terminal_manager(caller)
    terminal = console.in_scope(caller, terminals.get(rt.db, terminal_id, consistent=True), TerminalNotFound)
    values = _edited(rt, body)
    moved = guards.changes("terminal", terminal.item, values)
    _apply(rt, keys.terminal(terminal_id), terminal_id, values, moved, TerminalNotFound)
    _audit("terminal_updated", "terminal", terminal.item, status=values["status"])
    return terminal_view(rt, [_merged(terminal.item, values)])[0]


def regenerate_terminal_password(rt: Runtime, caller: Principal, terminal_id: str) -> TerminalView:
    """端末パスワードの再発行: a new four-digit password; also lifts a setup lock-out."""
    fields = {"password": ids.terminal_password(), "failed_setups": 0}
    return _change_terminal(rt, caller, terminal_id, fields, "terminal_password_regenerated")


def unbind_terminal(rt: Runtime, caller: Principal, terminal_id: str) -> TerminalView:
    """端末設定の解除: the bound device (and every session on it) stops at its next request."""
    return _change_terminal(
        rt, caller, terminal_id, {"binding_id": None, "bound_at": None, "bound_device": None}, "terminal_unbound"
    )


def _change_terminal(
    rt: Runtime, caller: Principal, terminal_id: str, fields: dict[str, Any], action: str
) -> TerminalView:
    _terminal_manager(caller)
    console.in_scope(caller, terminals.get(rt.db, terminal_id, consistent=True), TerminalNotFound)
    expr = Expr()
    update = _set_expression({**fields, "updated_at": iso(rt.clock.now())}, expr)
    record = rt.db.update(keys.terminal(terminal_id), update, expr)
    _audit(action, "terminal", record)
    return terminal_view(rt, [record])[0]


def get_terminal(rt: Runtime, caller: Principal, terminal_id: str) -> TerminalView:
    _terminal_manager(caller)
    return terminal_view(rt, [console.in_scope(caller, terminals.get(rt.db, terminal_id), TerminalNotFound).item])[0]


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
    exact = query.terminal_id
    if store_ids is not None and len(store_ids) <= 5:
        source = listing.Source([terminals.store_list_pk(s) for s in store_ids], "list1", exact)
    elif caller.company_id and caller.role not in COMMITTEE_LEVEL:
        store_lists = [terminals.store_list_pk(str(s["store_id"])) for s in lookup.visible_stores(rt, caller)]
        source = listing.Source(store_lists, "list1", exact)
    else:
        visible = lookup.visible_committees(rt, caller)
        committee_lists = [terminals.committee_list_pk(str(c["committee_id"])) for c in visible]
        source = listing.Source(committee_lists, "list2", exact)

    def filters(expr: Expr) -> list[str]:
        parts = (
            # External terminal ids are unique per external service, which the search does not name,
            # so this one stays a filter (bounded by the read budget, as documented).
            listing.equals(expr, "external_terminal_id", query.external_terminal_id)
            + listing.equals(expr, "status", query.status)
            + listing.one_of(expr, "company_id", company_ids)
        )
        if store_ids is not None and len(store_ids) > 5:
            parts += listing.one_of(expr, "store_id", store_ids)
        return parts

    items, cursor = listing.read(rt, caller, query, source, filters, cursor=query.cursor, page_size=query.page_size)
    return TerminalList(items=terminal_view(rt, [i for i in items if caller.covers(Scope.of(i))]), next_cursor=cursor)
