"""取引履歴一覧 and 取引履歴詳細: every search is a Query on the index that fits its filters.

Shared by the history function (the screen) and the workers function (CSV exports of a search).

The index is chosen from the most specific key the search gives or the caller's scope imposes
(user → terminal → store → company → committee), over the month (or, for a committee, day)
partitions of the date range, newest first. The other filters run as a FilterExpression within a
read budget per page, so a page costs the same whatever the table holds (docs/data-model.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from shoken import ids
from shoken.clock import JST, iso, parse_iso
from shoken.db import committees, companies, history_shards, keys, paging, stores, transactions
from shoken.db.dynamo import Expr, Item
from shoken.history_errors import DateFormat, DateOrder, NumberFormat, RangeTooLong, TransactionNotFound
from shoken.history_models import CURSOR_CHARS, Detail, HistorySearch, Page, Row, labelled
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.routes import CANCELLERS
from shoken.runtime import Runtime
from shoken.txn_types import TxnStatus, TxnType
from shoken.validation import FIRST_YEAR, LAST_YEAR

MAX_DAYS = 60
CANCEL_DAYS = 90
BUDGET_PER_ROW = 20
MAX_BUDGET = 2_000


@dataclass(frozen=True)
class Plan:
    index: str
    pk_name: str
    partitions: list[list[str]]  # newest first; the partitions of one group are merged newest first
    filters: Callable[[Expr], list[str]]


def parse_when(text: str, *, end: bool) -> datetime:
    found = re.match(r"^([0-9]{4})[-/]([0-9]{2})[-/]([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?$", text)
    if not found:
        raise DateFormat()
    y, m, d, hh, mm, ss = found.groups()
    if not FIRST_YEAR <= int(y) <= LAST_YEAR:  # year 1 or 9999: the search's month list overflows
        raise DateFormat()
    try:
        if hh is None:
            day = date(int(y), int(m), int(d))
            at = (
                datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=JST)
                if end
                else datetime(day.year, day.month, day.day, tzinfo=JST)
            )
        else:
            at = datetime(
                int(y),
                int(m),
                int(d),
                int(hh),
                int(mm),
                int(ss or (59 if end else 0)),
                999999 if end else 0,
                tzinfo=JST,
            )
    except ValueError as error:
        raise DateFormat() from error
    return at


def time_range(query: HistorySearch, now: datetime) -> tuple[datetime, datetime]:
    today = now.astimezone(JST).date().isoformat()
    start = parse_when(query.date_from or today, end=False)
    end = parse_when(query.date_to or query.date_from or today, end=True)
    if end < start:
        raise DateOrder()
    if end - start > timedelta(days=MAX_DAYS):
        raise RangeTooLong(days=MAX_DAYS)
    return start, end


def months(start: datetime, end: datetime) -> list[str]:
    out: list[str] = []
    cursor = end.astimezone(JST).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    floor = start.astimezone(JST).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while cursor >= floor:
        out.append(cursor.strftime("%Y-%m"))
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    return out


def days(start: datetime, end: datetime) -> list[str]:
    first, last = start.astimezone(JST).date(), end.astimezone(JST).date()
    return [(last - timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _ids_or_names(items: list[Item], text: str | None, id_field: str) -> list[Item] | None:
    if not text:
        return None
    needle = text.strip()
    return [i for i in items if str(i[id_field]) == needle or needle in str(i.get("name", ""))]


def plan(rt: Runtime, caller: Principal, query: HistorySearch, start: datetime, end: datetime) -> Plan:
    scope_committees = _committees(rt, caller, query.committee)
    month_list = months(start, end)

    def scope_filters(expr: Expr, *, keyed: str) -> list[str]:
        """Conditions that keep rows inside the caller's scope when the partition does not imply it
        (a store or company partition chosen from the caller's scope does; a terminal, a user or a
        committee partition may hold rows of other companies and stores)."""
        parts: list[str] = []
        if keyed in ("store", "company"):
            return parts
        if caller.role is not Role.SYSTEM_ADMIN and keyed != "committee":
            parts.append(f"{expr.n('committee_id')} = {expr.v(caller.committee_id or '-')}")
        if caller.company_id and caller.role is not Role.SYSTEM_ADMIN:
            parts.append(f"{expr.n('company_id')} = {expr.v(caller.company_id)}")
        if caller.store_id and caller.role in (Role.STORE_MANAGER, Role.STORE_STAFF):
            parts.append(f"{expr.n('store_id')} = {expr.v(caller.store_id)}")
        return parts

    store_matches = _stores(rt, caller, query.store, scope_committees)
    company_matches = _companies(rt, caller, query.company, scope_committees)

    def residual(expr: Expr, *, keyed: str) -> list[str]:
        parts = scope_filters(expr, keyed=keyed)
        if query.status:
            parts.append(f"{expr.n('status')} = {expr.v(query.status)}")
        if query.types:
            parts.append(expr.one_of("txn_type", query.types.split(",")))
        for field, value in (
            ("external_acquirer_id", query.external_acquirer_id),
            ("external_store_id", query.external_store_id),
            ("external_terminal_id", query.external_terminal_id),
            ("external_user_id", query.external_user_id),
        ):
            if value:
                parts.append(f"{expr.n(field)} = {expr.v(value.strip())}")
        for field, value in (
            ("wallet_service_name", query.service_name),
            ("campaign_name", query.campaign_name),
            ("grant_name", query.grant_name),
        ):
            if value:
                parts.append(f"contains({expr.n(field)}, {expr.v(value.strip())})")
        if query.committee and caller.role is Role.SYSTEM_ADMIN and keyed != "committee":
            parts.append(expr.one_of("committee_id", [str(c["committee_id"]) for c in scope_committees]))
        if store_matches is not None and keyed != "store":
            parts.append(expr.one_of("store_id", [str(s["store_id"]) for s in store_matches]))
        if company_matches is not None and keyed not in ("company", "store"):
            parts.append(expr.one_of("company_id", [str(c["company_id"]) for c in company_matches]))
        if query.terminal_id and keyed not in ("terminal",):
            parts.append(f"{expr.n('terminal_id')} = {expr.v(query.terminal_id.strip())}")
        if query.user_id and keyed != "wallet":
            parts.append(f"{expr.n('wallet_id')} = {expr.v(query.user_id.strip())}")
        return parts

    def keyed(name: str) -> Callable[[Expr], list[str]]:
        return lambda expr: residual(expr, keyed=name)

    if query.user_id:
        return Plan(
            "by_wallet", "hist_wallet", [[f"W#{query.user_id.strip()}#{m}"] for m in month_list], keyed("wallet")
        )
    if query.terminal_id:
        return Plan(
            "by_terminal",
            "hist_terminal",
            [[f"TERM#{query.terminal_id.strip()}#{m}"] for m in month_list],
            keyed("terminal"),
        )
    if caller.role in (Role.STORE_MANAGER, Role.STORE_STAFF) and caller.store_id:
        return Plan("by_store", "hist_store", [[f"ST#{caller.store_id}#{m}"] for m in month_list], keyed("store"))
    # One store or company: its own partitions. Several: the wider partition with a filter, because
    # rows must come newest first across all of them, which reading them one after another breaks.
    if store_matches is not None and len(store_matches) == 1:
        return Plan(
            "by_store", "hist_store", [[f"ST#{store_matches[0]['store_id']}#{m}"] for m in month_list], keyed("store")
        )
    if caller.company_id and caller.role in (Role.COMPANY_ADMIN, Role.COMPANY_STAFF):
        return Plan(
            "by_company", "hist_company", [[f"CO#{caller.company_id}#{m}"] for m in month_list], keyed("company")
        )
    if company_matches is not None and len(company_matches) == 1:
        return Plan(
            "by_company",
            "hist_company",
            [[f"CO#{company_matches[0]['company_id']}#{m}"] for m in month_list],
            keyed("company"),
        )
    # A day of every committee in scope, all its shards merged: rows newest first across them.
    groups = [
        [p for c in scope_committees for p in keys.committee_history_day(str(c["committee_id"]), d)]
        for d in days(start, end)
    ]
    return Plan("by_committee", "hist_committee", groups, keyed("committee"))


def _committees(rt: Runtime, caller: Principal, text: str | None) -> list[Item]:
    everything = committees.list_all(rt.db)
    if caller.role is not Role.SYSTEM_ADMIN:
        return [c for c in everything if c["committee_id"] == caller.committee_id]
    matched = _ids_or_names(everything, text, "committee_id")
    return everything if matched is None else matched


def _stores(rt: Runtime, caller: Principal, text: str | None, within: list[Item]) -> list[Item] | None:
    if not text:
        return None
    if caller.company_id and caller.role is not Role.SYSTEM_ADMIN:
        found = stores.list_for_company(rt.db, caller.company_id)
    else:
        found = [s for c in within for s in stores.list_for_committee(rt.db, str(c["committee_id"]))]
    matched = _ids_or_names(found, text, "store_id") or []
    return [s for s in matched if caller.covers(Scope(s["committee_id"], s["company_id"], s["store_id"]))]


def _companies(rt: Runtime, caller: Principal, text: str | None, within: list[Item]) -> list[Item] | None:
    if not text:
        return None
    found = [c for committee in within for c in companies.list_for_committee(rt.db, str(committee["committee_id"]))]
    matched = _ids_or_names(found, text, "company_id") or []
    return [c for c in matched if caller.covers(Scope(c["committee_id"], c["company_id"]))]


def row(record: Item) -> Row:
    split = record.get("breakdown") or {}
    return Row(
        **labelled(record),
        committee_name=record.get("committee_name"),
        company_name=record.get("company_name"),
        store_name=record.get("store_name"),
        terminal_id=record.get("terminal_id"),
        user_id=record.get("wallet_id"),
        amount=int(record["amount"]),
        service_name=record.get("wallet_service_name"),
        prepaid=int(split.get("prepaid", 0)),
        bonus=int(split.get("bonus", 0)),
        grant=int(split.get("grant", 0)),
        common=int(split.get("common", 0)),
        dedicated=int(split.get("dedicated", 0)),
    )


def visible(caller: Principal, record: Item) -> bool:
    return caller.covers(Scope.of(record))


def read_page(
    rt: Runtime,
    chosen: Plan,
    start: datetime,
    end: datetime,
    *,
    state: dict[str, Any] | None,
    page_size: int,
    read_budget: int,
    fits: Callable[[dict[str, Any]], bool] | None = None,
) -> paging.PageResult:
    """One page of a planned search: its partitions, newest first, within the time range. The state
    carries the rows read and not returned (history_shards), as much of them as `fits` allows."""
    return history_shards.read_groups(
        rt.db,
        groups=chosen.partitions,
        pk_name=chosen.pk_name,
        index=chosen.index,
        sk_name="hist_sk",
        sk_between=(f"{iso(start)}#", f"{iso(end)}#~"),
        page_size=page_size,
        read_budget=read_budget,
        state=state,
        filter_builder=lambda expr: " AND ".join(chosen.filters(expr)) or None,
        fits=fits or _fits_a_checkpoint,
    )


# A state kept server-side (an export's checkpoint, in its job item) carries whole rows; it stays well
# inside DynamoDB's 400 KB item.
CHECKPOINT_BYTES = 64 * 1024


def _fits_a_checkpoint(state: dict[str, Any]) -> bool:
    return len(json.dumps(state, separators=(",", ":"), default=str)) <= CHECKPOINT_BYTES


# What a row carried in the cursor keeps: what row() and visible() read (its keys and hist_sk are
# rebuilt from its number and time).
CARRIED = (
    "occurred_at",
    "number",
    "status",
    "txn_type",
    "committee_id",
    "company_id",
    "store_id",
    "committee_name",
    "company_name",
    "store_name",
    "terminal_id",
    "wallet_id",
    "amount",
    "wallet_service_name",
    "breakdown",
)


def _pack(state: dict[str, Any]) -> dict[str, Any]:
    """The state as the cursor holds it: carried rows cut to CARRIED. They hold no personal data (a
    wallet id, names of businesses), and the cursor is signed with the search like any other."""
    if not state.get("c"):
        return state
    return {**state, "c": [[n, [{k: r[k] for k in CARRIED if k in r} for r in rows]] for n, rows in state["c"]]}


def _unpack(state: dict[str, Any] | None) -> dict[str, Any] | None:
    if not state or not state.get("c"):
        return state
    try:
        for _, rows in state["c"]:
            for r in rows:
                r["PK"], r["SK"] = keys.transaction(str(r["number"]))
                r["hist_sk"] = f"{r['occurred_at']}#{r['number']}"
    except (ValueError, TypeError, KeyError) as error:
        raise paging.BadCursor() from error
    return state


def search(rt: Runtime, caller: Principal, query: HistorySearch) -> Page:
    if query.number:
        # 取引番号: found whatever the dates, still only inside the caller's scope.
        number = ids.as_typed(query.number)
        if not ids.TRANSACTION_NUMBER.match(number):
            raise NumberFormat()
        record = transactions.get_item(rt.db, number)
        return Page(items=[row(record)] if record and visible(caller, record) else [], read=1, index="table")
    start, end = time_range(query, rt.clock.now())
    chosen = plan(rt, caller, query, start, end)
    search_id = paging.search_hash(
        {"q": query.model_dump(exclude={"cursor", "page_size"}), "who": caller.user_id, "at": query.date_to or iso(end)}
    )
    state = _unpack(paging.decode_cursor(rt.session_key, search_id, query.cursor))

    def cursor_of(state: dict[str, Any]) -> str:
        return paging.encode_cursor(rt.session_key, search_id, _pack(state), compress=True)

    result = read_page(
        rt,
        chosen,
        start,
        end,
        state=state,
        page_size=query.page_size,
        read_budget=min(MAX_BUDGET, query.page_size * BUDGET_PER_ROW),
        fits=lambda state: len(cursor_of(state)) <= CURSOR_CHARS,
    )
    rows = [row(r) for r in result.items if visible(caller, r)]  # belt and braces: the filters already keep scope
    cursor = cursor_of(result.state) if result.state else None
    return Page(items=rows, next_cursor=cursor, read=result.read, index=chosen.index)


# 取引詳細's fields that are the transaction's own attributes under the same name (None when absent).
AS_STORED = (
    "external_acquirer_id",
    "company_id",
    "store_id",
    "external_store_id",
    "external_terminal_id",
    "external_user_id",
    "campaign_name",
    "grant_name",
    "programme_name",
    "method",
    "operator_login",
    "original_number",
    "cancelled_by",
    "cancelled_at",
)


def detail(rt: Runtime, caller: Principal, number: str) -> Detail:
    record = transactions.get_item(rt.db, number, consistent=True) if ids.TRANSACTION_NUMBER.match(number) else None
    if record is None or not visible(caller, record):
        raise TransactionNotFound()
    deadline = parse_iso(str(record["occurred_at"])) + timedelta(days=CANCEL_DAYS)
    is_payment = record["txn_type"] == TxnType.PAYMENT.value
    cancellable = (
        is_payment
        and record["status"] == TxnStatus.DONE.value
        and rt.clock.now() <= deadline
        and caller.role in CANCELLERS
    )
    return Detail(
        **row(record).model_dump(),
        **{name: record.get(name) for name in AS_STORED},
        committee_id=str(record["committee_id"]),
        cancellable=cancellable,
        cancel_deadline=iso(deadline) if is_payment else None,
    )
