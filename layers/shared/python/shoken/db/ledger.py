"""Every change to a citizen's value, each one DynamoDB transaction conditioned on what it assumes.

Purchases, charge cancels, grants and lapses live here (payments and their cancels too), so the
money rules' guarantees can be read in one place: a bucket is never debited below zero, a bucket is
created once, a transaction item is written once, and the record of a change is written with it.
Conditional failures become domain errors here and nowhere else. Every one of them takes the audit
item of the movement (shoken.audit.entry / api.audit_item) and writes it in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from shoken.clock import epoch, iso
from shoken.db import keys
from shoken.db.dynamo import AwsBusy, Dynamo, Expr, Item, Key, TransactionFailed
from shoken.db.records import Card, Transaction
from shoken.errors import AlreadyCancelled, ChargeAlreadySpent, PurchaseLimitExceeded, WalletSuspended
from shoken.frozen import Frozen, set_field
from shoken.money import Bucket
from shoken.status import RequestState, Status
from shoken.txn_types import TxnStatus


class Refused(Exception):
    """A condition of a money transaction failed: something the caller read has changed since; it reads
    again (and its next plan names the reason precisely, or goes through)."""


class AlreadyDone(Exception):
    """The change was made before (a re-run of an idempotent job); nothing to do."""


class AlreadyRecorded(Exception):
    """The request's idempotency record exists: the change was made before; its stored result is replayed."""


class NotAdmitted(Refused):
    """The caller's session, terminal or store changed between the read and the write; read again."""


class NumberTaken(Refused):
    """The random transaction number exists already; the caller draws another."""


class CreditGone(Refused):
    """The wallet a cancel credits no longer holds a bucket the payment took: a card's value was moved
    to its new card or to the app since (cards.move); the caller finds where it went and credits that."""


def _wallet_live(expr: Expr) -> str:
    return f"{expr.n('status')} = {expr.v(Status.ACTIVE)}"


def _add_buckets(db: Dynamo, wallet_id: str, buckets: list[Bucket], now: datetime) -> dict[str, Any]:
    expr = Expr()
    sets = [f"{expr.path('buckets', b.bucket_id)} = {expr.v(b.to_item())}" for b in buckets]
    sets.append(f"{expr.n('updated_at')} = {expr.v(iso(now))}")
    absent = [f"attribute_not_exists({expr.path('buckets', b.bucket_id)})" for b in buckets]
    return db.tx_update(
        keys.wallet(wallet_id), "SET " + ", ".join(sets), expr, condition=" AND ".join([_wallet_live(expr), *absent])
    )


def _holder(db: Dynamo, programme_id: str, wallet_id: str, units: int, *, limit: int | None) -> dict[str, Any]:
    expr = Expr()
    update = (
        f"ADD {expr.n('units')} {expr.v(units)} "
        f"SET {expr.n('kind')} = {expr.v('holder')}, {expr.n('wallet_id')} = {expr.v(wallet_id)}, "
        f"{expr.n('programme_id')} = {expr.v(programme_id)}"
    )
    condition = None
    if limit is not None:
        condition = f"attribute_not_exists({expr.n('units')}) OR {expr.n('units')} <= {expr.v(limit - units)}"
    return db.tx_update(keys.programme_holder(programme_id, wallet_id), update, expr, condition=condition)


def _put_new(db: Dynamo, record: Item) -> dict[str, Any]:
    expr = Expr()
    return db.tx_put(record, condition=f"attribute_not_exists({expr.n('PK')})", expr=expr)


def audit_action(db: Dynamo, record: Item) -> dict[str, Any]:
    """The audit entry of a movement, written new in the movement's transaction (db/audit.py item)."""
    if record.get("kind") != "audit":
        raise ValueError("not an audit item")
    return _put_new(db, record)


# (position of an action in a transaction, the refusal its failed condition means)
Refusal = tuple[int, type[Exception]]


class SaleStep(NamedTuple):
    """What a sale by lottery adds to a charge or to its cancel (shoken.sale): the action on the buyer's
    application and the refusal its condition means, the checks on the sale each with its refusal (which
    wins over the action's when both fail: it says why), and the counters it moves (販売状況, unconditioned)."""

    action: dict[str, Any]
    refusal: type[Exception]
    counted: list[dict[str, Any]]
    checks: tuple[tuple[dict[str, Any], type[Exception]], ...] = ()


def _with_sale(actions: list[dict[str, Any]], refusals: list[Refusal], step: SaleStep) -> None:
    """Append a sale's step to a money transaction's actions, with its refusals."""
    for check, refusal in step.checks:
        actions.append(check)
        refusals.append((len(actions) - 1, refusal))
    actions.append(step.action)
    refusals.append((len(actions) - 1, step.refusal))
    actions.extend(step.counted)


def _write(
    db: Dynamo,
    actions: list[dict[str, Any]],
    refusals: list[Refusal],
    *,
    busy: type[Exception] = AwsBusy,
    request_token: str | None = None,
) -> None:
    """One transaction. If it is cancelled, the first refusal whose action's condition failed is raised;
    any other cancellation (a race, a condition the caller reads again on) is a Refused, throttling `busy`."""
    try:
        db.transact(actions, token=request_token)
    except TransactionFailed as failed:
        for position, refusal in refusals:
            if failed.failed_at(position):
                raise refusal() from failed
        if failed.throttled:
            raise busy() from failed
        raise (Contended() if failed.conflict else Refused()) from failed


def _mark_cancelled(db: Dynamo, number: str, cancel_number: str, now: datetime) -> dict[str, Any]:
    """The original transaction marked cancelled by `cancel_number`, once (it must still be done)."""
    mark = Expr()
    return db.tx_update(
        keys.transaction(number),
        f"SET {mark.n('status')} = {mark.v(TxnStatus.CANCELLED)}, {mark.n('cancelled_by')} = {mark.v(cancel_number)}, "
        f"{mark.n('cancelled_at')} = {mark.v(iso(now))}",
        mark,
        condition=f"{mark.n('status')} = {mark.v(TxnStatus.DONE)}",
    )


def charge(
    db: Dynamo,
    *,
    wallet_id: str,
    programme_id: str,
    units: int,
    limit_units: int,
    buckets: list[Bucket],
    txn: Item,
    idempotency: Item | None,
    audit: Item,
    now: datetime,
    allocation: SaleStep | None = None,
) -> None:
    """店頭チャージ: add a purchase's buckets, count its units against the per-person limit.
    `allocation`: for a programme sold by lottery, the step consuming the buyer's 当選 units
    (shoken.sale.counter_allocation): its action and the refusal its condition means, its checks on
    the sale, and the unconditioned actions that count the purchase (the sale's 販売状況 counters)."""
    actions = [
        _add_buckets(db, wallet_id, buckets, now),
        _holder(db, programme_id, wallet_id, units, limit=limit_units),
        _put_new(db, txn),
    ]
    refusals: list[Refusal] = [(0, WalletSuspended), (1, PurchaseLimitExceeded), (2, NumberTaken)]
    if idempotency is not None:
        actions.append(_put_new(db, idempotency))
        refusals.insert(0, (3, AlreadyRecorded))
    if allocation is not None:
        _with_sale(actions, refusals, allocation)
    actions.append(audit_action(db, audit))
    _write(db, actions, refusals)


def cancel_charge(
    db: Dynamo,
    *,
    charge_txn: Item,
    cancel_txn: Item,
    audit: Item,
    now: datetime,
    allocation: SaleStep | None = None,
) -> None:
    """チャージ取消: remove the charge's buckets, only while none of their value has been spent.
    `allocation`: for a lottery purchase, the step giving its units back to the 当選 units of the
    round it consumed (shoken.sale.cancel_allocation): its action and the refusal its condition means,
    its checks on the sale, and the counters it moves back (販売状況)."""
    wallet_id = str(charge_txn["wallet_id"])
    expr = Expr()
    # Each bucket still there (a lapse removes expired ones) and still holding all it was charged with.
    untouched = [
        f"attribute_exists({expr.path('buckets', bid)}) AND "
        f"{expr.path('buckets', bid, 'balance')} = {expr.path('buckets', bid, 'initial')}"
        for bid in charge_txn["buckets"]
    ]
    # A charge of no buckets (nothing to take back) still marks and records its cancel; DynamoDB
    # refuses an empty REMOVE clause, which answered 500.
    removed = ", ".join(expr.path("buckets", bid) for bid in charge_txn["buckets"])
    removal = db.tx_update(
        keys.wallet(wallet_id),
        (f"REMOVE {removed} " if removed else "") + f"SET {expr.n('updated_at')} = {expr.v(iso(now))}",
        expr,
        condition=" AND ".join(untouched) or None,
    )
    cancelled = _mark_cancelled(db, str(charge_txn["number"]), str(cancel_txn["number"]), now)
    actions = [removal, cancelled, _put_new(db, cancel_txn), audit_action(db, audit)]
    if charge_txn.get("programme_id") and charge_txn.get("units"):
        actions.append(_holder(db, str(charge_txn["programme_id"]), wallet_id, -int(charge_txn["units"]), limit=None))
    refusals: list[Refusal] = [(1, AlreadyCancelled), (0, ChargeAlreadySpent), (2, NumberTaken)]
    if allocation is not None:
        _with_sale(actions, refusals, allocation)
    _write(db, actions, refusals)


def grant(
    db: Dynamo,
    *,
    wallet_id: str,
    programme_id: str,
    bucket: Bucket,
    txn: Item,
    mark: Item,
    audit: Item,
    now: datetime,
) -> None:
    """One citizen's share of a bulk grant; the mark makes a re-run skip those already granted."""
    actions = [
        _add_buckets(db, wallet_id, [bucket], now),
        _put_new(db, mark),
        _put_new(db, txn),
        _holder(db, programme_id, wallet_id, 0, limit=None),
        audit_action(db, audit),
    ]
    _write(db, actions, [(1, AlreadyDone), (0, WalletSuspended), (2, NumberTaken)])


def _remove_buckets(db: Dynamo, wallet_id: str, balances: dict[str, int], now: datetime) -> dict[str, Any]:
    """Remove expired buckets from the wallet, each only while it still holds the balance read."""
    expr = Expr()
    same = [f"{expr.path('buckets', bid, 'balance')} = {expr.v(amount)}" for bid, amount in balances.items()]
    update = (
        "REMOVE "
        + ", ".join(expr.path("buckets", bid) for bid in balances)
        + f" SET {expr.n('updated_at')} = {expr.v(iso(now))}"
    )
    return db.tx_update(keys.wallet(wallet_id), update, expr, condition=" AND ".join(same))


def lapse(
    db: Dynamo,
    *,
    wallet_id: str,
    amounts: dict[str, int],
    txn: Item,
    audit: Item,
    now: datetime,
    spent: list[str] | None = None,
) -> None:
    """残高失効: remove the expired buckets (those lapsing `amounts`, and the `spent` ones already at 0),
    conditioned on the balances read, and record it; the lapse transaction keeps what was removed, so
    a wallet item stays small however many programmes it has seen."""
    balances = {**dict.fromkeys(spent or [], 0), **amounts}
    update = _remove_buckets(db, wallet_id, balances, now)
    # A failed balance condition is BucketMoved: the balances moved since they were read; the caller reads again.
    _write(db, [update, _put_new(db, txn), audit_action(db, audit)], [(1, NumberTaken), (0, BucketMoved)])


def drop_spent(db: Dynamo, *, wallet_id: str, bucket_ids: list[str], now: datetime) -> None:
    """Remove expired buckets that hold nothing (no value moves, so no transaction or audit entry)."""
    _write(db, [_remove_buckets(db, wallet_id, dict.fromkeys(bucket_ids, 0), now)], [(0, BucketMoved)])


# --- payments ------------------------------------------------------------------------------------------
class TokenUsed(Refused):
    """The QR token or the MPM request was used, or lapsed, between the read and the write."""


class BucketMoved(Refused):
    """A debited bucket no longer holds what it gives, or the wallet was suspended, since the read."""


class Contended(Refused):
    """Cancelled by a concurrent transaction or throttled; back off a little before reading again."""


class QrTokenUse(Frozen):
    """CPM: the citizen's one-time QR token, used once and before it lapses, for the wallet it names."""

    __slots__ = ("key", "wallet_id")
    key: Key
    wallet_id: str

    def __init__(self, key: Key, wallet_id: str) -> None:
        set_field(self, "key", key)
        set_field(self, "wallet_id", wallet_id)


class MpmRequestUse(Frozen):
    """MPM: the store's open payment request, paid once and before it lapses, by this citizen."""

    __slots__ = ("key", "paid_by")
    key: Key
    paid_by: str

    def __init__(self, key: Key, paid_by: str) -> None:
        set_field(self, "key", key)
        set_field(self, "paid_by", paid_by)


class CardUse(Frozen):
    """A card payment (issue 16.3): the card as read, still active, with fewer than 5
    wrong PINs, the same payment secret and the day's spending within `daily_limit` after `amount`.
    `new_pin_hash`: the PIN in the current scheme, written in place of an older value read."""

    __slots__ = ("amount", "card", "daily_limit", "new_pin_hash", "pay_digest")
    card: Card
    pay_digest: str
    amount: int
    daily_limit: int
    new_pin_hash: str | None

    def __init__(
        self, card: Card, pay_digest: str, amount: int, daily_limit: int, new_pin_hash: str | None = None
    ) -> None:
        set_field(self, "card", card)
        set_field(self, "pay_digest", pay_digest)
        set_field(self, "amount", amount)
        set_field(self, "daily_limit", daily_limit)
        set_field(self, "new_pin_hash", new_pin_hash)


Authorization = QrTokenUse | MpmRequestUse | CardUse


def _authorize(db: Dynamo, what: Authorization, receipt: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The authorization's action: marks it used and keeps the wallet's view of the payment on it."""
    if isinstance(what, CardUse):  # a card's QR is never used up: its state, PIN count and day are
        from shoken.db import cards

        return cards.pay_authorization(
            db,
            what.card,
            pay_digest=what.pay_digest,
            amount=what.amount,
            limit=what.daily_limit,
            now=now,
            new_pin_hash=what.new_pin_hash,
        )
    expr = Expr()
    if isinstance(what, QrTokenUse):
        condition = (
            f"attribute_exists({expr.n('PK')}) AND attribute_not_exists({expr.n('used_at')}) AND "
            f"{expr.n('valid_until_epoch')} > {expr.v(epoch(now))} AND "
            f"{expr.n('wallet_id')} = {expr.v(what.wallet_id)}"
        )
        update = f"SET {expr.n('used_at')} = {expr.v(iso(now))}, {expr.n('payment')} = {expr.v(receipt)}"
    else:
        condition = (
            f"{expr.n('state')} = {expr.v(RequestState.OPEN)} AND {expr.n('valid_until_epoch')} > {expr.v(epoch(now))}"
        )
        update = (
            f"SET {expr.n('state')} = {expr.v(RequestState.PAID)}, {expr.n('payment')} = {expr.v(receipt)}, "
            f"{expr.n('paid_by')} = {expr.v(what.paid_by)}"
        )
    return db.tx_update(what.key, update, expr, condition=condition)


def _balances(db: Dynamo, wallet_id: str, change: dict[str, int], now: datetime, *, debit: bool) -> dict[str, Any]:
    """Move the wallet's buckets' balances by `change`. A debit takes it from a live wallet whose every
    bucket still holds what it gives; a credit puts back exactly that, bucket by bucket, into buckets
    that are still there (buckets are never removed while they can be credited)."""
    expr = Expr()
    sign = "-" if debit else "+"
    sets = [
        f"{expr.path('buckets', bid, 'balance')} = {expr.path('buckets', bid, 'balance')} {sign} {expr.v(amount)}"
        for bid, amount in change.items()
    ]
    sets.append(f"{expr.n('updated_at')} = {expr.v(iso(now))}")
    if debit:
        held = [f"{expr.path('buckets', bid, 'balance')} >= {expr.v(amount)}" for bid, amount in change.items()]
        conditions = [_wallet_live(expr), *held]
    else:
        conditions = [f"attribute_exists({expr.path('buckets', bid)})" for bid in change]
    return db.tx_update(keys.wallet(wallet_id), "SET " + ", ".join(sets), expr, condition=" AND ".join(conditions))


class StillAdmitted(Frozen):
    """What admitted the payer at the read and must still hold at the write: the caller's session
    (merchant or citizen) and, where a till is involved, its terminal (bound to this device, when the
    caller is the till) and its store. A logout, unbind or suspension between the read and the write
    fails one of these checks and the payment is not made."""

    __slots__ = ("binding_id", "session", "store", "terminal")
    session: Key
    terminal: Key | None  # None for a console caller (a cancel from 取引履歴詳細)
    store: Key | None
    binding_id: str | None  # the till's own device binding (CPM); None when the citizen pays (MPM)

    def __init__(
        self, session: Key, terminal: Key | None = None, store: Key | None = None, binding_id: str | None = None
    ) -> None:
        set_field(self, "session", session)
        set_field(self, "terminal", terminal)
        set_field(self, "store", store)
        set_field(self, "binding_id", binding_id)


def admission_checks(db: Dynamo, still: StillAdmitted, now: datetime) -> list[dict[str, Any]]:
    """ConditionChecks for the payment's transaction (no extra round trip): session, terminal, store."""
    session = Expr()
    checks = [
        db.tx_check(
            still.session,
            f"attribute_exists({session.n('PK')}) AND {session.n('expires_at_epoch')} > {session.v(epoch(now))}",
            session,
        )
    ]
    if still.terminal is not None:
        terminal = Expr()
        condition = f"{terminal.n('status')} = {terminal.v(Status.ACTIVE)}"
        if still.binding_id is not None:
            condition += f" AND {terminal.n('binding_id')} = {terminal.v(still.binding_id)}"
        checks.append(db.tx_check(still.terminal, condition, terminal))
    if still.store is not None:
        store = Expr()
        checks.append(db.tx_check(still.store, f"{store.n('status')} = {store.v(Status.ACTIVE)}", store))
    return checks


def pay(
    db: Dynamo,
    *,
    authorization: Authorization,
    receipt: dict[str, Any],
    wallet_id: str,
    taken: dict[str, int],
    txn: Item,
    idempotency: Item,
    still: StillAdmitted,
    request_token: str,
    now: datetime,
) -> None:
    """The payment's single write: the authorization used (with the wallet's `receipt` kept on it), the
    wallet debited, the transaction and the idempotency record new, the caller still admitted.

    Raises AlreadyRecorded (replay the stored result), or a Refused the caller reads again on:
    TokenUsed, BucketMoved, NumberTaken, NotAdmitted, Contended."""
    checks = admission_checks(db, still, now)
    actions = [
        _authorize(db, authorization, receipt, now),
        _balances(db, wallet_id, taken, now, debit=True),
        _put_new(db, txn),
        _put_new(db, idempotency),
        *checks,
    ]
    refusals: list[Refusal] = [(3, AlreadyRecorded), (0, TokenUsed), (1, BucketMoved), (2, NumberTaken)]
    refusals += [(4 + i, NotAdmitted) for i in range(len(checks))]
    # DynamoDB's own idempotency covers botocore's retries of this very call (same request token); a
    # throttled cancellation is read again after a pause, as a race is.
    _write(db, actions, refusals, busy=Contended, request_token=request_token)


def cancel_payment(
    db: Dynamo,
    *,
    payment: Transaction,
    cancel_txn: Item,
    lapse_txn: Item | None,
    credit: dict[str, int],
    audit: Item,
    still: StillAdmitted,
    now: datetime,
    credit_wallet: str | None = None,
    card_day: tuple[Key, str] | None = None,
) -> None:
    """決済取消: mark the payment cancelled once, put its value back, and record the reversal (and, for
    value already past its expiry, its lapse) in the same transaction, while the canceller is still
    admitted (a refused admission check is a Conflict: the caller reads again and is told why).
    The value goes back to the payment's wallet, or to `credit_wallet` where a card's value lives now;
    a wallet without the buckets is CreditGone."""
    cancelled = _mark_cancelled(db, payment.number, str(cancel_txn["number"]), now)
    actions = [cancelled, _put_new(db, cancel_txn), audit_action(db, audit)]
    refusals: list[Refusal] = [(0, AlreadyCancelled), (1, NumberTaken)]
    if credit:
        actions.append(_balances(db, credit_wallet or str(payment.wallet_id), credit, now, debit=False))
        refusals.append((len(actions) - 1, CreditGone))
    if lapse_txn is not None:
        actions.append(_put_new(db, lapse_txn))
        refusals.append((len(actions) - 1, NumberTaken))
    if card_day is not None:
        # A card payment of today gives its amount back to the card's day (the daily limit): a mistyped
        # amount cancelled at once must not stop the cardholder paying for the rest of the day.
        actions.append(_card_day_back(db, *card_day, payment.amount))
        refusals.append((len(actions) - 1, DayTurned))
    checks = admission_checks(db, still, now)
    refusals += [(len(actions) + i, NotAdmitted) for i in range(len(checks))]
    _write(db, [*actions, *checks], refusals)


class DayTurned(Refused):
    """The card's day counter is of another day than the cancelled payment's (midnight passed)."""


def _card_day_back(db: Dynamo, card_key: Key, day: str, amount: int) -> dict[str, Any]:
    expr = Expr()
    spent = expr.n("spent_today")
    return db.tx_update(
        card_key,
        f"SET {spent} = {spent} - {expr.v(amount)}",
        expr,
        condition=f"{expr.n('spent_day')} = {expr.v(day)}",
    )
