"""Payout bank accounts (振込先口座) of stores and companies: one item per payee."""

from __future__ import annotations

from collections.abc import Sequence

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Item


def owner_of_store(store_id: str) -> str:
    return f"ST#{store_id}"


def owner_of_company(company_id: str) -> str:
    return f"CO#{company_id}"


def item(owner: str, *, scope: dict[str, str | None], account: dict[str, str], now: str, by: str | None) -> Item:
    pk, sk = keys.payout_account(owner)
    record: Item = {
        "PK": pk,
        "SK": sk,
        "kind": "payout_account",
        "owner": owner,
        **{k: v for k, v in scope.items() if v},
        **account,
        "updated_at": now,
        "updated_by": by,
    }
    return {k: v for k, v in record.items() if v is not None}


def get(db: Dynamo, owner: str, *, consistent: bool = False) -> Item | None:
    return db.get(keys.payout_account(owner), consistent=consistent)


def get_many(db: Dynamo, owners: Sequence[str]) -> dict[str, Item]:
    found = db.batch_get([keys.payout_account(o) for o in owners], consistent=True) if owners else {}
    return {str(record["owner"]): record for record in found.values()}
