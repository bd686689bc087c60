"""Audit log items: who did what, when, to which record, from where (SPEC §3.11).

Partitioned by committee and day (PK) and, for records inside a company, also by company and month
(list1), so a committee admin and a company admin each read only their own partitions.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from shoken.clock import iso, jst_date, jst_month
from shoken.db.dynamo import Dynamo, Item


def committee_partition(committee_id: str | None, day: str) -> str:
    return f"AUDIT#{committee_id or 'SYSTEM'}#{day}"


def company_partition(company_id: str, month: str) -> str:
    return f"AUDIT#CO#{company_id}#{month}"


def item(
    *,
    at: datetime,
    action: str,
    committee_id: str | None,
    company_id: str | None,
    store_id: str | None,
    actor: dict[str, Any],
    target_type: str | None,
    target_id: str | None,
    detail: dict[str, Any],
    source_ip: str | None,
    user_agent: str | None,
) -> Item:
    sort = f"{iso(at)}#{secrets.token_hex(4)}"
    record: Item = {
        "PK": committee_partition(committee_id, jst_date(at)),
        "SK": sort,
        "kind": "audit",
        "at": iso(at),
        "action": action,
        "committee_id": committee_id,
        "company_id": company_id,
        "store_id": store_id,
        "actor": {k: v for k, v in actor.items() if v is not None},
        "target_type": target_type,
        "target_id": target_id,
        "detail": detail,
        "source_ip": source_ip,
        "user_agent": user_agent,
    }
    if company_id:
        record["L1PK"] = company_partition(company_id, jst_month(at))
        record["L1SK"] = sort
    return {k: v for k, v in record.items() if v is not None}


def put(db: Dynamo, record: Item) -> None:
    db.put(record)
