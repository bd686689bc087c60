"""Companies (企業): the businesses that run stores, each under one committee."""

from __future__ import annotations

from typing import Any

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Item
from shoken.status import Status


def list_pk(committee_id: str) -> str:
    return f"COS#{committee_id}"


def item(company_id: str, *, committee_id: str, name: str, now: str, **fields: Any) -> Item:
    pk, sk = keys.company(company_id)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "company",
        "company_id": company_id,
        "committee_id": committee_id,
        "name": name,
        "status": Status.ACTIVE,
        "created_at": now,
        "updated_at": now,
        "L1PK": list_pk(committee_id),
        "L1SK": company_id,
        **{k: v for k, v in fields.items() if v is not None},
    }


def get(db: Dynamo, company_id: str, *, consistent: bool = False) -> Item | None:
    return db.get(keys.company(company_id), consistent=consistent)


def list_for_committee(db: Dynamo, committee_id: str) -> list[Item]:
    return list(db.query_all(index="list1", pk_name="L1PK", pk=list_pk(committee_id), sk_name="L1SK"))
