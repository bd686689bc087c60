"""Report totals from the table's stream: each new transaction is added once; and the rebuild that
recomputes a committee's past days by replaying their transactions through the same path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from shoken.clock import jst_date, parse_iso
from shoken.db import programmes, totals, transactions
from shoken.db.dynamo import Item
from shoken.errors import DomainError
from shoken.runtime import Runtime
from shoken.txn_types import TxnType

# One rebuild covers at most this many days: a Lambda run has 15 minutes.
MAX_REBUILD_DAYS = 92


def on_transaction(rt: Runtime, txn: Item) -> bool:
    """Add one transaction to the totals; False when it was counted already (a re-delivery)."""
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
        return False  # a re-delivered record: counted already
    return True


# The days asked for cannot be rebuilt safely (or are not days): codes and facts (their texts:
# shoken.messages, "report totals"). The operator's invocation is answered in English (text_in("en")).
class RebuildRefused(DomainError):
    code = "rebuild_refused"


class RebuildDatesFormat(RebuildRefused):
    """Facts: first, last (as given)."""

    variant = "format"


class RebuildDatesOrder(RebuildRefused):
    variant = "order"


class RebuildTooLong(RebuildRefused):
    """Facts: days (the most one rebuild covers)."""

    variant = "too_long"


class RebuildNotPast(RebuildRefused):
    """Facts: today."""

    variant = "not_past"


@dataclass(frozen=True)
class Rebuilt:
    committee_id: str
    first: str
    last: str
    transactions: int
    removed: int

    def as_dict(self) -> dict[str, object]:
        return {
            "committee_id": self.committee_id,
            "date_from": self.first,
            "date_to": self.last,
            "transactions": self.transactions,
            "removed": self.removed,
        }


def _days(first: str, last: str) -> Iterator[str]:
    day = date.fromisoformat(first)
    while day <= date.fromisoformat(last):
        yield day.isoformat()
        day += timedelta(days=1)


def check_range(first: str, last: str, today: str) -> None:
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError as error:
        raise RebuildDatesFormat(first=first, last=last) from error
    if start > end:
        raise RebuildDatesOrder()
    if (end - start).days >= MAX_REBUILD_DAYS:
        raise RebuildTooLong(days=MAX_REBUILD_DAYS)
    # Today's transactions are still arriving through the stream; a past day's are final (a cancel
    # is a transaction of the day it happens), so replaying it cannot race the live consumer.
    if last >= today:
        raise RebuildNotPast(today=today)


def rebuild(rt: Runtime, committee_id: str, first: str, last: str) -> Rebuilt:
    """Recompute the report totals of a committee's days from its transactions, to the yen.

    The totals and marks of those days are removed, then every transaction of each day (the
    by_committee index) is replayed through `on_transaction`, the stream consumer's own path.
    Running it again gives the same figures.
    """
    check_range(first, last, jst_date(rt.clock.now()))
    replay: list[Item] = []
    for day in _days(first, last):
        replay += [t for t in transactions.of_committee_day(rt.db, committee_id, day) if t.get("kind") == "txn"]
    programme_ids = {str(p["programme_id"]) for p in programmes.list_for_committee(rt.db, committee_id)}
    for txn in replay:
        programme_ids |= {str(info[2]) for info in (txn.get("bucket_info") or {}).values()}
    removed = totals.forget(
        rt.db,
        committee_id=committee_id,
        first=first,
        last=last,
        programme_ids=sorted(programme_ids),
        numbers=[str(t["number"]) for t in replay],
    )
    for txn in replay:
        on_transaction(rt, txn)
    return Rebuilt(committee_id, first, last, len(replay), removed)
