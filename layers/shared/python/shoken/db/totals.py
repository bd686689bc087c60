"""Report totals kept by the stream consumer (never by the payment): per committee and JST month,
one item per (day, store, transaction type), and per programme the daily net change of unused value
by voucher type. A mark per transaction makes a re-delivered stream record count once."""

from __future__ import annotations

from collections.abc import Iterable

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Expr, Item, TransactionFailed

# count_<voucher type>: transactions that moved that type (for 券種別 counts).
FIELDS = ("amount", "common", "dedicated", "prepaid", "bonus", "grant", "count_common", "count_dedicated")


def day_pk(committee_id: str, month: str) -> str:
    return f"AGG#{committee_id}#{month}"


def day_sk(day: str, store_id: str | None, txn_type: str) -> str:
    return f"D#{day}#{store_id or '-'}#{txn_type}"


def balance_pk(committee_id: str, programme_id: str) -> str:
    return f"AGG#{committee_id}#BAL#{programme_id}"


def balance_sk(day: str, voucher_type: str) -> str:
    return f"{day}#{voucher_type}"


class Counted(Exception):
    """This transaction is in the totals already."""


def add(
    db: Dynamo,
    *,
    number: str,
    committee_id: str,
    day: str,
    txn_type: str,
    store: dict[str, str | None],
    values: dict[str, int],
    balance_changes: dict[tuple[str, str], int],
) -> None:
    pk, sk = keys.aggregate_mark(number)
    mark = Expr()
    actions = [
        db.tx_put(
            {"PK": pk, "SK": sk, "kind": "aggregate_mark"}, condition=f"attribute_not_exists({mark.n('PK')})", expr=mark
        )
    ]
    expr = Expr()
    adds = ", ".join(f"{expr.n(f)} {expr.v(values.get(f, 0))}" for f in FIELDS) + f", {expr.n('count')} {expr.v(1)}"
    sets = [f"{expr.n(k)} = {expr.v(v)}" for k, v in store.items() if v is not None]
    sets += [
        f"{expr.n('day')} = {expr.v(day)}",
        f"{expr.n('txn_type')} = {expr.v(txn_type)}",
        f"{expr.n('kind')} = {expr.v('total')}",
    ]
    actions.append(
        db.tx_update(
            (day_pk(committee_id, day[:7]), day_sk(day, store.get("store_id"), txn_type)),
            f"ADD {adds} SET {', '.join(sets)}",
            expr,
        )
    )
    for (programme_id, voucher_type), change in balance_changes.items():
        if change == 0:
            continue
        bal = Expr()
        update = (
            f"ADD {bal.n('net')} {bal.v(change)} "
            f"SET {bal.n('day')} = {bal.v(day)}, {bal.n('voucher_type')} = {bal.v(voucher_type)}, "
            f"{bal.n('programme_id')} = {bal.v(programme_id)}, {bal.n('kind')} = {bal.v('balance_change')}"
        )
        actions.append(
            db.tx_update((balance_pk(committee_id, programme_id), balance_sk(day, voucher_type)), update, bal)
        )
    try:
        db.transact(actions)
    except TransactionFailed as failed:
        failed.refuse({0: Counted()})


def days(db: Dynamo, committee_id: str, first: str, last: str) -> Iterable[Item]:
    """Every daily total between two JST dates (inclusive), month partition by month."""
    month = first[:7]
    while month <= last[:7]:
        yield from db.query_all(
            pk_name="PK", pk=day_pk(committee_id, month), sk_name="SK", sk_between=(f"D#{first}", f"D#{last}#~")
        )
        year, number = int(month[:4]), int(month[5:])
        month = f"{year + (number == 12)}-{(number % 12) + 1:02d}"


def store_day(db: Dynamo, committee_id: str, day: str, store_id: str) -> Iterable[Item]:
    """One store's totals of one JST day, one item per transaction type (the merchant app's 日計)."""
    return db.query_all(pk_name="PK", pk=day_pk(committee_id, day[:7]), sk_name="SK", sk_begins=f"D#{day}#{store_id}#")


def unused(db: Dynamo, committee_id: str, programme_id: str, on: str) -> dict[str, int]:
    """Unused value of a programme at the end of a JST date, by voucher type."""
    out: dict[str, int] = {}
    for record in db.query_all(
        pk_name="PK", pk=balance_pk(committee_id, programme_id), sk_name="SK", sk_between=("0000", f"{on}#~")
    ):
        out[str(record["voucher_type"])] = out.get(str(record["voucher_type"]), 0) + int(record["net"])
    return out


def balance_days(db: Dynamo, committee_id: str, programme_id: str, first: str, last: str) -> Iterable[Item]:
    """A programme's daily balance changes between two JST dates (inclusive)."""
    yield from db.query_all(
        pk_name="PK", pk=balance_pk(committee_id, programme_id), sk_name="SK", sk_between=(first, f"{last}#~")
    )


def forget(
    db: Dynamo, *, committee_id: str, first: str, last: str, programme_ids: Iterable[str], numbers: Iterable[str]
) -> int:
    """Remove the totals of a committee's days and the marks of their transactions, so replaying
    those transactions through `add` counts each once again. Returns how many items were removed."""
    removed = 0
    stale = [(str(r["PK"]), str(r["SK"])) for r in days(db, committee_id, first, last)]
    for programme_id in programme_ids:
        stale += [(str(r["PK"]), str(r["SK"])) for r in balance_days(db, committee_id, programme_id, first, last)]
    stale += [keys.aggregate_mark(number) for number in numbers]
    for key in stale:
        db.delete(key)
        removed += 1
    return removed
