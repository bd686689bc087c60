"""Programmes (商品券事業): what a unit costs and gives, when it is sold and used, and the limit per person."""

from __future__ import annotations

from typing import Any

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Item
from shoken.money import ProgrammeTerms, VoucherType
from shoken.status import Status


def list_pk(committee_id: str) -> str:
    return f"PROGS#{committee_id}"


def item(
    programme_id: str,
    *,
    committee_id: str,
    name: str,
    unit_price: int,
    shares: dict[str, int],
    sale_start: str,
    sale_end: str,
    use_start: str,
    use_end: str,
    limit_units: int,
    now: str,
    **fields: Any,
) -> Item:
    pk, sk = keys.programme(programme_id)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "programme",
        "programme_id": programme_id,
        "committee_id": committee_id,
        "name": name,
        "unit_price": unit_price,
        "shares": shares,
        "sale_start": sale_start,
        "sale_end": sale_end,
        "use_start": use_start,
        "use_end": use_end,
        "limit_units": limit_units,
        "status": Status.ACTIVE,
        "created_at": now,
        "updated_at": now,
        "L1PK": list_pk(committee_id),
        "L1SK": programme_id,
        **{k: v for k, v in fields.items() if v is not None},
    }


def terms(record: Item) -> ProgrammeTerms:
    return ProgrammeTerms(
        programme_id=str(record["programme_id"]),
        unit_price=int(record["unit_price"]),
        shares={VoucherType(k): int(v) for k, v in record["shares"].items()},
        usable_from=str(record["use_start"]),
        expires_on=str(record["use_end"]),
    )


def get(db: Dynamo, programme_id: str, *, consistent: bool = False) -> Item | None:
    return db.get(keys.programme(programme_id), consistent=consistent)


def list_for_committee(db: Dynamo, committee_id: str) -> list[Item]:
    return list(db.query_all(index="list1", pk_name="L1PK", pk=list_pk(committee_id), sk_name="L1SK"))


def holders(
    db: Dynamo, programme_id: str, *, start_key: dict[str, object] | None = None, limit: int = 200
) -> tuple[list[Item], dict[str, object] | None]:
    page = db.query(
        pk_name="PK",
        pk=keys.programme(programme_id)[0],
        sk_name="SK",
        sk_begins="HOLDER#",
        limit=limit,
        start_key=start_key,
    )
    return page.items, page.last_key


DEFAULT_REMINDER_DAYS = (30, 7)


def reminder_days(record: Item) -> list[int]:
    """The programme's 失効お知らせメール days, largest first; 30 and 7 days before unless it says otherwise."""
    days = record.get("reminder_days")
    return sorted((int(d) for d in (DEFAULT_REMINDER_DAYS if days is None else days)), reverse=True)
