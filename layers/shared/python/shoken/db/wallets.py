"""Citizens' wallets: one item per citizen holding every bucket of value, so a payment reads one item.

The wallet item is in no index: the committee's アプリユーザ list (list1 `WALLETS#<committee>`) holds a
small listing item per wallet instead (keys.wallet_listing), written with the wallet and changed only
when what the list shows changes (status), so a payment writes no index copy of the wallet.
"""

from __future__ import annotations

from typing import Any

from shoken import ids
from shoken.db import keys
from shoken.db.dynamo import Dynamo, Expr, Item, TransactionFailed
from shoken.db.records import Wallet, optional
from shoken.money import Bucket
from shoken.status import Status


def list_pk(committee_id: str) -> str:
    return f"WALLETS#{committee_id}"


def item(
    wallet_id: str,
    *,
    committee_id: str,
    service_id: str,
    email: str,
    now: str,
    buckets: list[Bucket] | None = None,
    **fields: Any,
) -> Item:
    pk, sk = keys.wallet(wallet_id)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "wallet",
        "wallet_id": wallet_id,
        "committee_id": committee_id,
        "service_id": service_id,
        "email": email.lower(),
        "status": Status.ACTIVE,
        "buckets": {b.bucket_id: b.to_item() for b in buckets or []},
        "created_at": now,
        "updated_at": now,
        **{k: v for k, v in fields.items() if v is not None},
    }


LISTED_FIELDS = ("wallet_id", "committee_id", "email", "status", "created_at", "external_user_id", "card_number")


def listing_item(wallet: Item) -> Item:
    """The wallet's entry in its committee's list: what the list filters on, nothing that a payment moves."""
    pk, sk = keys.wallet_listing(str(wallet["wallet_id"]))
    return {
        "PK": pk,
        "SK": sk,
        "kind": "wallet_listing",
        **{k: wallet[k] for k in LISTED_FIELDS if wallet.get(k) is not None},
        "L1PK": list_pk(str(wallet["committee_id"])),
        "L1SK": str(wallet["wallet_id"]),
    }


def email_item(service_id: str, email: str, wallet_id: str) -> Item:
    pk, sk = keys.citizen_email(service_id, email)
    return {"PK": pk, "SK": sk, "kind": "citizen_email", "wallet_id": wallet_id}


def holder_item(programme_id: str, wallet_id: str) -> Item:
    """Membership of a wallet in a programme, so the expiry job can query holders without a Scan."""
    pk, sk = keys.programme_holder(programme_id, wallet_id)
    return {"PK": pk, "SK": sk, "kind": "holder", "wallet_id": wallet_id, "programme_id": programme_id}


def set_status(db: Dynamo, wallet_id: str, status: str, now: str) -> None:
    """Suspend or resume: the wallet and its list entry in one transaction."""
    actions = []
    for key in (keys.wallet(wallet_id), keys.wallet_listing(wallet_id)):
        expr = Expr()
        actions.append(
            db.tx_update(
                key,
                f"SET {expr.n('status')} = {expr.v(status)}, {expr.n('updated_at')} = {expr.v(now)}",
                expr,
                condition=f"attribute_exists({expr.n('PK')})",
            )
        )
    db.transact(actions)


def get(db: Dynamo, wallet_id: str, *, consistent: bool = True) -> Wallet | None:
    return optional(Wallet, db.get(keys.wallet(wallet_id), consistent=consistent))


def find_by_email(db: Dynamo, service_id: str, email: str) -> Wallet | None:
    """The wallet of this address in this wallet service (its email guard, then the wallet)."""
    guard = db.get(keys.citizen_email(service_id, email))
    return get(db, str(guard["wallet_id"])) if guard else None


def find_or_create(db: Dynamo, *, committee_id: str, service_id: str, email: str, now: str) -> Wallet:
    """The wallet of this address in this wallet service, created on first sign-in.

    The wallet and its email guard are written in one transaction; if another sign-in created the
    guard first, its wallet is used. A clash of random wallet ids is retried with a new id.
    """
    found = find_by_email(db, service_id, email)
    if found:
        return found
    for _ in range(5):
        wallet_id = ids.wallet_id()
        record = item(wallet_id, committee_id=committee_id, service_id=service_id, email=email, now=now)
        expr = Expr()
        absent = f"attribute_not_exists({expr.n('PK')})"
        try:
            db.transact(
                [
                    db.tx_put(record, condition=absent, expr=expr),
                    db.tx_put(email_item(service_id, email, wallet_id), condition=absent, expr=expr),
                    db.tx_put(listing_item(record), condition=absent, expr=expr),
                ]
            )
            return Wallet(record)
        except TransactionFailed as failed:
            if failed.failed_at(1):
                found = find_by_email(db, service_id, email)
                if found:
                    return found
            elif not failed.failed_at(0):
                raise
    raise RuntimeError("could not allocate a wallet id")
