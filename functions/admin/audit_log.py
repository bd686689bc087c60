"""The audit log as admins read it: newest first, within the caller's scope, by date range and action."""

from __future__ import annotations

from datetime import date, timedelta

from admin.errors import AuditPeriodTooLong
from admin.schemas import AuditEntry, AuditList, AuditSearch
from shoken.audit import ACTION_LABELS, describe_detail, describe_target
from shoken.clock import JST
from shoken.db import audit as audit_items
from shoken.db import paging
from shoken.db.dynamo import Expr
from shoken.principal import Principal
from shoken.roles import Role
from shoken.runtime import Runtime

MAX_DAYS = 62


def search(rt: Runtime, caller: Principal, query: AuditSearch) -> AuditList:
    start, end = date.fromisoformat(query.date_from), date.fromisoformat(query.date_to)
    if end < start or (end - start).days > MAX_DAYS:
        raise AuditPeriodTooLong(days=MAX_DAYS)
    days = [(end - timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
    if caller.role in (Role.COMPANY_ADMIN, Role.COMPANY_STAFF) and caller.company_id:
        months = sorted({d[:7] for d in days}, reverse=True)
        partitions = [audit_items.company_partition(caller.company_id, m) for m in months]
        pk_name, sk_name, index = "L1PK", "L1SK", "list1"
    else:
        committee_id = caller.committee_id if caller.role is not Role.SYSTEM_ADMIN else (query.committee_id or None)
        partitions = [audit_items.committee_partition(committee_id, d) for d in days]
        pk_name, sk_name, index = "PK", "SK", None
    lower = f"{_utc_start(start)}"
    upper = f"{_utc_start(end + timedelta(days=1))}"
    search_id = paging.search_hash({"q": query.model_dump(exclude={"cursor", "page_size"}), "who": caller.user_id})
    state = paging.decode_cursor(rt.session_key, search_id, query.cursor)

    def filters(expr: Expr) -> str | None:
        return f"{expr.n('action')} = {expr.v(query.action)}" if query.action else None

    page = paging.read_partitions(
        rt.db,
        partitions=partitions,
        pk_name=pk_name,
        index=index,
        sk_name=sk_name,
        sk_between=(lower, upper),
        page_size=query.page_size,
        read_budget=2000,
        state=state,
        filter_builder=filters,
    )
    items = [
        AuditEntry(
            at=str(r["at"]),
            action=str(r["action"]),
            action_label=ACTION_LABELS.get(str(r["action"]), str(r["action"])),
            actor={k: str(v) for k, v in (r.get("actor") or {}).items()},
            target_type=r.get("target_type"),
            target_id=r.get("target_id"),
            committee_id=r.get("committee_id"),
            company_id=r.get("company_id"),
            store_id=r.get("store_id"),
            detail=r.get("detail") or {},
            source_ip=r.get("source_ip"),
            target_label=describe_target(r.get("target_type"), r.get("target_id")),
            detail_label=describe_detail(r.get("detail") or {}),
        )
        for r in page.items
    ]
    cursor = paging.encode_cursor(rt.session_key, search_id, page.state) if page.state else None
    return AuditList(items=items, next_cursor=cursor, actions=ACTION_LABELS)


def _utc_start(day: date) -> str:
    """The UTC ISO time at which a JST day starts (audit sort keys are UTC ISO times)."""
    from datetime import datetime, time

    from shoken.clock import iso

    return iso(datetime.combine(day, time(0, 0), tzinfo=JST))
