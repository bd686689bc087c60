"""Keeps the report totals from the table's stream: each new transaction is added once."""

from __future__ import annotations

from shoken.clock import jst_date, parse_iso
from shoken.db import totals
from shoken.db.dynamo import Item
from shoken.runtime import Runtime
from shoken.txn_types import TxnType


def on_transaction(rt: Runtime, txn: Item) -> None:
    txn_type = TxnType(txn["txn_type"])
    split = txn.get("breakdown") or {}
    values = {
        "amount": int(txn["amount"]),
        **{k: int(split.get(k, 0)) for k in ("common", "dedicated", "prepaid", "bonus", "grant")},
        **{f"count_{k}": int(int(split.get(k, 0)) != 0) for k in ("common", "dedicated")},
    }
    changes: dict[tuple[str, str], int] = {}
    for bucket_id, amount in (txn.get("buckets") or {}).items():
        _, voucher_type, programme_id = txn["bucket_info"][bucket_id]
        key = (str(programme_id), str(voucher_type))
        changes[key] = changes.get(key, 0) + txn_type.sign * int(amount)
    try:
        totals.add(
            rt.db,
            number=str(txn["number"]),
            committee_id=str(txn["committee_id"]),
            day=jst_date(parse_iso(str(txn["occurred_at"]))),
            txn_type=txn_type.value,
            store={
                "store_id": txn.get("store_id"),
                "store_name": txn.get("store_name"),
                "company_id": txn.get("company_id"),
                "company_name": txn.get("company_name"),
            },
            values=values,
            balance_changes=changes,
        )
    except totals.Counted:
        return  # a re-delivered record: counted already
