"""決済取消 from the console (取引履歴詳細 → 「取引の取消」) or the merchant app (「この取引を取り消す」).

Only payments, only once, only within 90 days, only in the caller's scope. The cancel puts back
exactly the buckets the payment took; value whose expiry has passed is recorded as lapsed in the
same transaction instead of coming back to life.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from payments.schemas import CancelResult
from shoken import api, cards, gate, ids
from shoken.clock import jst_date, parse_iso
from shoken.db import keys, ledger, transactions, wallets
from shoken.db.dynamo import Item
from shoken.db.records import Card, Transaction
from shoken.errors import Conflict, DomainError, TransactionNotFound
from shoken.principal import Principal, Scope
from shoken.roles import MERCHANT_ROLES
from shoken.runtime import Runtime
from shoken.status import Status
from shoken.txn_types import TxnStatus, TxnType

CANCEL_WINDOW = timedelta(days=90)


class CancelWindowPassed(DomainError):
    """A payment is cancelled within CANCEL_WINDOW of its payment, not later."""

    code = "cancel_window_passed"


class NotCancellable(DomainError):
    """Only a payment is cancelled here (a charge is cancelled from the console)."""

    code = "not_cancellable"


class ValueMovedOn(DomainError):
    """The payment's card was reissued or moved to the app, and its value has moved on again since."""

    code = "cancel_value_moved"


def cancel(rt: Runtime, caller: Principal, number: str) -> CancelResult:
    """Two round trips: one BatchGetItem of the caller's admission records and the payment, one
    TransactWriteItems conditioned on both. The payment carries each taken bucket's expiry, so the
    wallet is not read: value past its last day lapses, the rest is credited back."""
    if not ids.TRANSACTION_NUMBER.match(number):
        gate.check_admitted(caller, rt.db.batch_get(gate.admission_keys(caller)), rt.clock.now())
        raise TransactionNotFound()
    payment_key = keys.transaction(number)
    card_key: keys.Key | None = None  # set once a card's wallet has lost the buckets (a reissue, a move)
    moved_on = False  # the last write found the value gone from where the card's link said it is
    for _ in range(3):
        now = rt.clock.now()
        found = rt.db.batch_get([*gate.admission_keys(caller), payment_key, *([card_key] if card_key else [])])
        gate.check_admitted(caller, found, now)
        payment = found.record(Transaction, payment_key)
        if payment is None or not caller.covers(Scope.of(payment.item)):
            raise TransactionNotFound()
        if payment.txn_type != TxnType.PAYMENT:
            raise NotCancellable()
        if payment.status != TxnStatus.DONE:
            raise ledger.AlreadyCancelled()
        if now - parse_iso(payment.occurred_at) > CANCEL_WINDOW:
            raise CancelWindowPassed()
        taken = payment.buckets
        expiry = _expiry(rt, payment)
        today = jst_date(now)
        expired = {bid: amount for bid, amount in taken.items() if expiry.get(bid, "") < today}
        credit = {bid: amount for bid, amount in taken.items() if bid not in expired}
        moved = _moved_to(found.record(Card, card_key)) if card_key else None
        moved_on = False
        into = moved[0] if moved else None
        cancel_txn = _reversal(payment, TxnType.PAYMENT_CANCEL, taken, now, caller, into=into)
        lapse_txn = _reversal(payment, TxnType.LAPSE, expired, now, caller, into=into) if expired else None
        audit = api.audit_item(
            "payment_cancelled",
            scope=Scope.of(payment.item),
            target_type="transaction",
            target_id=number,
            amount=payment.amount,
            cancel_number=cancel_txn["number"],
            **({"credited_wallet_id": into} if into else {}),
        )
        try:
            ledger.cancel_payment(
                rt.db,
                payment=payment,
                cancel_txn=cancel_txn,
                lapse_txn=lapse_txn,
                credit=credit,
                audit=audit,
                still=ledger.StillAdmitted(*_still(caller)),
                now=now,
                credit_wallet=into,
                card_day=_card_day(payment, today) if into is None else None,
            )
        except ledger.CreditGone:
            # A lapse removed an expired bucket since the read (read again: that part lapses now), or a
            # card's value was moved: the next read adds the card, whose link says where it went.
            card_key = card_key or _paying_card(payment)  # the rare path: one more read, of the card
            moved_on = into is not None
            continue
        except ledger.Refused:
            continue  # read again: a new number, a race on the wallet, or the admission check names what changed
        return CancelResult(
            number=number,
            cancel_number=str(cancel_txn["number"]),
            status=TxnStatus.CANCELLED.value,
            status_label=TxnStatus.CANCELLED.label,
            amount=payment.amount,
            credited=sum(credit.values()),
            lapsed=sum(expired.values()),
            message="取消処理が完了しました。" + (moved[1] if moved else ""),
        )
    raise ValueMovedOn() if moved_on else Conflict()


def _paying_card(payment: Transaction) -> keys.Key | None:
    """The card a payment was paid from (a card's wallet id is its digits), or None for an app's."""
    paid_from = str(payment.wallet_id)
    return keys.card(cards.number_for(paid_from)) if paid_from.isdigit() else None


def _card_day(payment: Transaction, today: str) -> tuple[keys.Key, str] | None:
    """The card whose day a card payment of today counts in (its daily limit), or None."""
    card_key = _paying_card(payment) if payment.item.get("method") == "card" else None
    if card_key is None or jst_date(parse_iso(payment.occurred_at)) != today:
        return None  # an app's payment, or one of an earlier day: that day's limit is over
    return card_key, today


def _still(caller: Principal) -> tuple[keys.Key, keys.Key | None, keys.Key | None, str | None]:
    admission = gate.admission_keys(caller)
    if caller.role in MERCHANT_ROLES:  # session, terminal (bound to this device), store
        return admission[0], admission[1], admission[2], caller.binding_id
    return admission[0], None, None, None


def _expiry(rt: Runtime, payment: Transaction) -> dict[str, str]:
    """The last day of each bucket the payment took, as recorded with it. Payments recorded before
    the expiry was kept with them read it from the wallet (a bucket no longer there has lapsed)."""
    if payment.bucket_expiry is not None:
        return payment.bucket_expiry
    wallet = wallets.get(rt.db, str(payment.wallet_id))
    return {b.bucket_id: b.expires_on for b in wallet.buckets} if wallet else {}


def _moved_to(card: Card | None) -> tuple[str, str] | None:
    """Where a reissued or moved card's value lives now: the wallet and what the till is told (None: the
    card still holds it, a lapse had removed the bucket)."""
    if card is None or not card.moved_to:
        return None
    if card.status is Status.REPLACED:
        return cards.wallet_of(card.moved_to), "金額は再発行後のカードに戻しました。"
    if card.status is Status.MOVED:
        return card.moved_to, "金額はカードの移行先のアプリに戻しました。"
    return None


def _reversal(
    payment: Transaction,
    txn_type: TxnType,
    amounts: dict[str, int],
    now: datetime,
    caller: Principal,
    *,
    into: str | None,
) -> Item:
    """The cancel (or the lapse of its expired part), carrying the payment's names and scope; in the
    history of the wallet the value goes back to (`into`: a reissued card's or the app's, else the payer's)."""
    recorded = payment.item
    fields = {k: recorded.get(k) for k in ("committee_name", "external_acquirer_id", "wallet_service_name", "method")}
    total = sum(amounts.values())
    split = dict(recorded["breakdown"]) if total == payment.amount else _part(payment, amounts)
    return transactions.item(
        ids.transaction_number(now),
        txn_type=txn_type,
        at=now,
        amount=total,
        committee={
            "committee_id": recorded["committee_id"],
            "name": fields["committee_name"],
            "external_acquirer_id": fields["external_acquirer_id"],
            "wallet_service_name": fields["wallet_service_name"],
        },
        wallet_id=into or payment.wallet_id,
        wallet_external_id=None if into else recorded.get("external_user_id"),
        buckets=amounts,
        breakdown=split,
        bucket_info={bid: info for bid, info in payment.bucket_info.items() if bid in amounts},
        store={k: recorded.get(k) for k in transactions.STORE_FIELDS},
        terminal_id=recorded.get("terminal_id"),
        external_terminal_id=recorded.get("external_terminal_id"),
        original_number=payment.number,
        **({"paid_from_wallet_id": payment.wallet_id} if into else {}),
        operator_id=caller.user_id,
        operator_login=caller.login_id,
    )


def _part(payment: Transaction, amounts: dict[str, int]) -> dict[str, int]:
    """The breakdown of part of a payment, from the per-bucket kinds recorded with it."""
    info = payment.bucket_info
    out = {"prepaid": 0, "bonus": 0, "grant": 0, "common": 0, "dedicated": 0}
    for bid, amount in amounts.items():
        kind, vtype, _ = info[bid]
        out[kind] += amount
        out[vtype] += amount
    return out
