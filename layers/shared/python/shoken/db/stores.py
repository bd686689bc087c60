"""Stores (店舗): where vouchers are spent. A large store (大型店) cannot take 専用券."""

from __future__ import annotations

from typing import Any

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Item
from shoken.db.records import Store, optional
from shoken.status import Status


def committee_list_pk(committee_id: str) -> str:
    return f"STS#{committee_id}"


def company_list_pk(company_id: str) -> str:
    return f"STS#CO#{company_id}"


def item(store_id: str, *, committee_id: str, company_id: str, name: str, large: bool, now: str, **fields: Any) -> Item:
    pk, sk = keys.store(store_id)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "store",
        "store_id": store_id,
        "committee_id": committee_id,
        "company_id": company_id,
        "name": name,
        "large": large,
        "status": Status.ACTIVE,
        "created_at": now,
        "updated_at": now,
        "L1PK": committee_list_pk(committee_id),
        "L1SK": store_id,
        "L2PK": company_list_pk(company_id),
        "L2SK": store_id,
        **{k: v for k, v in fields.items() if v is not None},
    }


def under(company: Item, store_id: str, *, now: str, **fields: Any) -> Item:
    """A new store of `company` (the console's form and マスタ一括登録 alike)."""
    return item(
        store_id,
        committee_id=str(company["committee_id"]),
        company_id=str(company["company_id"]),
        company_name=str(company["name"]),
        now=now,
        **fields,
    )


def get(db: Dynamo, store_id: str, *, consistent: bool = False) -> Store | None:
    return optional(Store, db.get(keys.store(store_id), consistent=consistent))


def list_for_committee(db: Dynamo, committee_id: str) -> list[Item]:
    return list(db.query_all(index="list1", pk_name="L1PK", pk=committee_list_pk(committee_id), sk_name="L1SK"))


def list_for_company(db: Dynamo, company_id: str) -> list[Item]:
    return list(db.query_all(index="list2", pk_name="L2PK", pk=company_list_pk(company_id), sk_name="L2SK"))
