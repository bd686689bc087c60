"""Transaction items and the history index attributes that place each one in every scope that sees it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from shoken import money
from shoken.clock import iso, jst_date, jst_month
from shoken.db import keys
from shoken.db.dynamo import Dynamo, Expr, Item
from shoken.db.records import Store, Transaction, optional
from shoken.money import Bucket
from shoken.txn_types import TxnStatus, TxnType


def of_committee_day(
    db: Dynamo, committee_id: str, day: str, *, where: Callable[[Expr], str] | None = None
) -> Iterator[Item]:
    """Every index row of a committee's JST day, shard after shard (background jobs and tools; the
    history screen merges the shards newest first instead). `where` builds a FilterExpression."""
    for partition in keys.committee_history_day(committee_id, day):
        start: dict[str, Any] | None = None
        while True:
            expr = Expr()  # a fresh one per request: placeholders of an earlier page would be unused
            page = db.query(
                index="by_committee",
                pk_name="hist_committee",
                pk=partition,
                start_key=start,
                filter_expr=where(expr) if where else None,
                expr=expr,
            )
            yield from page.items
            if not page.last_key:
                break
            start = page.last_key


def history_keys(
    at: datetime,
    number: str,
    *,
    committee_id: str,
    company_id: str | None,
    store_id: str | None,
    terminal_id: str | None,
    wallet_id: str | None,
) -> dict[str, str]:
    """Index attributes: month partitions per store / company / terminal / wallet; per committee, day
    partitions split into shards by the transaction number (a country-wide programme's day in one
    partition would be a hot key)."""
    month = jst_month(at)
    attrs = {
        "hist_sk": f"{iso(at)}#{number}",
        "hist_committee": keys.committee_history(committee_id, jst_date(at), keys.history_shard(number)),
    }
    if company_id:
        attrs["hist_company"] = f"CO#{company_id}#{month}"
    if store_id:
        attrs["hist_store"] = f"ST#{store_id}#{month}"
    if terminal_id:
        attrs["hist_terminal"] = f"TERM#{terminal_id}#{month}"
    if wallet_id:
        attrs["hist_wallet"] = f"W#{wallet_id}#{month}"
    return attrs


def moved(buckets: list[Bucket], amounts: dict[str, int]) -> dict[str, Any]:
    """What a transaction records of the value it moved (item's buckets, breakdown and bucket_info):
    the amount by bucket, its split by voucher type and the terms of each bucket."""
    return {
        "buckets": amounts,
        "breakdown": money.breakdown(buckets, amounts).to_item(),
        "bucket_info": money.bucket_info(buckets, amounts),
    }


# What a transaction records of its store (a payment's; its cancel copies them from the payment).
STORE_FIELDS = ("company_id", "company_name", "store_id", "store_name", "external_store_id", "store_large")


def store_fields(store: Store) -> dict[str, Any]:
    return {
        "company_id": store.company_id,
        "company_name": store.company_name,
        "store_id": store.store_id,
        "store_name": store.name,
        "external_store_id": store.external_store_id,
        "store_large": store.large,
    }


def _shop(store: Store | Mapping[str, Any] | None) -> dict[str, Any]:
    """What a transaction records of its store, from the store's record, its item, or the fields a
    transaction recorded of it (a cancel copies them from its payment). Only STORE_FIELDS: a store item
    also holds its own keys, which must never reach the transaction's."""
    if store is None:
        return {}
    if isinstance(store, Store):
        return store_fields(store)
    if "store_name" in store:
        return {k: store.get(k) for k in STORE_FIELDS}
    return store_fields(Store(dict(store)))  # a store item (the seed's, the bench's)


def item(
    number: str,
    *,
    txn_type: TxnType,
    at: datetime,
    amount: int,
    committee: Item,
    wallet_id: str | None,
    buckets: dict[str, int],
    breakdown: dict[str, int],
    bucket_info: dict[str, list[str]],
    store: Store | Mapping[str, Any] | None = None,
    terminal_id: str | None = None,
    external_terminal_id: str | None = None,
    wallet_external_id: str | None = None,
    **fields: Any,
) -> Item:
    """`store`: the store's record, or the STORE_FIELDS a transaction recorded of it."""
    pk, sk = keys.transaction(number)
    shop = _shop(store)
    record: Item = {
        "PK": pk,
        "SK": sk,
        "kind": "txn",
        "number": number,
        "txn_type": txn_type.value,
        "status": TxnStatus.DONE.value,
        "occurred_at": iso(at),
        "amount": amount,
        "committee_id": committee["committee_id"],
        "committee_name": committee["name"],
        "external_acquirer_id": committee.get("external_acquirer_id"),
        "wallet_service_name": committee.get("wallet_service_name"),
        "wallet_id": wallet_id,
        "external_user_id": wallet_external_id,
        "buckets": buckets,
        "breakdown": breakdown,
        "bucket_info": bucket_info,
        "terminal_id": terminal_id,
        "external_terminal_id": external_terminal_id,
        **history_keys(
            at,
            number,
            committee_id=str(committee["committee_id"]),
            company_id=shop.get("company_id"),
            store_id=shop.get("store_id"),
            terminal_id=terminal_id,
            wallet_id=wallet_id,
        ),
        **fields,
    }
    if shop.get("store_id"):
        record.update(shop, store_large=bool(shop.get("store_large")))
    return {k: v for k, v in record.items() if v is not None}


def get(db: Dynamo, number: str, *, consistent: bool = False) -> Transaction | None:
    return optional(Transaction, get_item(db, number, consistent=consistent))


def get_item(db: Dynamo, number: str, *, consistent: bool = False) -> Item | None:
    """The item as stored, for the history's rows, which are built from items as its list reads give them."""
    return db.get(keys.transaction(number), consistent=consistent)
