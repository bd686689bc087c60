"""Committees (アクワイアラ): the voucher committee of a city, with its issuer and wallet service."""

from __future__ import annotations

from typing import Any

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Expr, Item

LIST_PK = "COMMITTEES"


def item(
    committee_id: str,
    *,
    name: str,
    city: str,
    issuer_name: str,
    wallet_service_id: str,
    wallet_service_name: str,
    external_acquirer_id: str | None = None,
    contact_phone: str | None = None,
    contact_hours: str | None = None,
) -> Item:
    pk, sk = keys.committee(committee_id)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "committee",
        "committee_id": committee_id,
        "name": name,
        "city": city,
        "issuer_name": issuer_name,
        "wallet_service_id": wallet_service_id,
        "wallet_service_name": wallet_service_name,
        "external_acquirer_id": external_acquirer_id,
        "contact_phone": contact_phone,
        "contact_hours": contact_hours,
        "L1PK": LIST_PK,
        "L1SK": committee_id.zfill(6),
    }


def get(db: Dynamo, committee_id: str) -> Item | None:
    return db.get(keys.committee(committee_id), consistent=False)


def list_all(db: Dynamo) -> list[Item]:
    return list(db.query_all(index="list1", pk_name="L1PK", pk=LIST_PK))


def add_areas(db: Dynamo, committee_id: str, areas: set[str]) -> None:
    """Remember the store areas (地区) of a committee, for the citizens' store search."""
    wanted = {a for a in areas if a}
    if wanted:
        expr = Expr()
        db.update(keys.committee(committee_id), f"ADD {expr.n('areas')} {expr.v(wanted)}", expr)


def add_area_action(db: Dynamo, committee_id: str, area: str) -> dict[str, Any]:
    """The same for one area, as an action of the store's own transaction."""
    expr = Expr()
    return db.tx_update(keys.committee(committee_id), f"ADD {expr.n('areas')} {expr.v({area})}", expr)
