"""The citizen's history, and 加盟店一覧 (where the vouchers can be used)."""

from __future__ import annotations

from shoken.db import committees, history, paging, stores
from shoken.db.dynamo import Expr
from shoken.history_models import WalletLine
from shoken.principal import Principal
from shoken.runtime import Runtime
from wallet.schemas import HistoryPage, HistoryQuery, StoreLine, StorePage, StoreQuery

HISTORY_MONTHS = 13


def history_page(rt: Runtime, caller: Principal, query: HistoryQuery) -> HistoryPage:
    months = history.months_back(rt.clock.now(), HISTORY_MONTHS)
    search_id = paging.search_hash({"wallet": caller.user_id, "months": months[-1]})
    page = paging.read_partitions(
        rt.db,
        partitions=[f"W#{caller.user_id}#{m}" for m in months],
        pk_name="hist_wallet",
        index="by_wallet",
        sk_name="hist_sk",
        sk_between=None,
        page_size=30,
        read_budget=200,
        state=paging.decode_cursor(rt.session_key, search_id, query.cursor),
    )
    lines = [WalletLine.of(t) for t in page.items]
    cursor = paging.encode_cursor(rt.session_key, search_id, page.state) if page.state else None
    return HistoryPage(items=lines, next_cursor=cursor)


def store_page(rt: Runtime, caller: Principal, query: StoreQuery) -> StorePage:
    committee_id = str(caller.committee_id)
    search_id = paging.search_hash({"q": query.model_dump(exclude={"cursor"}), "c": committee_id})

    def filters(expr: Expr) -> str:
        parts = [f"{expr.n('status')} = {expr.v('active')}"]
        if query.name:
            parts.append(f"contains({expr.n('name')}, {expr.v(query.name.strip())})")
        if query.area:
            parts.append(f"{expr.n('area')} = {expr.v(query.area.strip())}")
        return " AND ".join(parts)

    page = paging.read_partitions(
        rt.db,
        partitions=[stores.committee_list_pk(committee_id)],
        pk_name="L1PK",
        index="list1",
        sk_name="L1SK",
        sk_between=None,
        page_size=50,
        read_budget=1000,
        state=paging.decode_cursor(rt.session_key, search_id, query.cursor),
        filter_builder=filters,
        newest_first=False,
    )
    items = [
        StoreLine(
            store_id=str(s["store_id"]),
            name=str(s["name"]),
            area=s.get("area"),
            address=s.get("address"),
            phone=s.get("phone"),
            large=bool(s.get("large")),
            vouchers="共通券のみ" if s.get("large") else "共通券・専用券",
        )
        for s in page.items
    ]
    committee = committees.get(rt.db, committee_id)
    areas = sorted(committee.get("areas") or []) if committee else []
    cursor = paging.encode_cursor(rt.session_key, search_id, page.state) if page.state else None
    return StorePage(items=items, areas=areas, next_cursor=cursor)
