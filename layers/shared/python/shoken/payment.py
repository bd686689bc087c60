"""Paying with vouchers at a store (SPEC §4.3-4.5, §6, §8): CPM (the store reads the citizen's QR)
and MPM (the citizen reads the store's QR) share this core.

The normal path is two DynamoDB round trips: one strongly consistent BatchGetItem of everything the
decision needs (session, terminal, store, committee, the QR token or MPM request, the wallet and the
idempotency record) and one TransactWriteItems conditioned on what was read (authorization used once
and still valid, every debited bucket still holding what it gives, transaction and idempotency
record new, and the caller still admitted: session live, terminal bound and active, store active).
Nothing is counted in a shared item. A retry with the same idempotency key returns the first
result, once the same read has found the caller still admitted; a race between the read and the
write fails a condition and is read again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shoken import gate, ids, money, qr, strict
from shoken.clock import epoch, iso, jst_date
from shoken.db import idempotency, keys, ledger, transactions
from shoken.db import sessions as session_records
from shoken.db.dynamo import Item
from shoken.errors import (
    InsufficientHere,
    InvalidRequest,
    NotFound,
    QrExpired,
    QrUnknown,
    QrUsed,
    RequestExpired,
    RequestPaid,
    ServiceUnavailable,
    Unauthenticated,
    WalletNotHere,
)
from shoken.observability import count
from shoken.principal import Principal
from shoken.runtime import Runtime
from shoken.txn_types import TxnType

MAX_AMOUNT = 9_999_999
ATTEMPTS = 6  # each lost race means another payment went through, so a few suffice


class PaymentResult(strict.Model):  # light: the payment function imports no pydantic (issue 19)
    number: str
    amount: int
    store_id: str
    store_name: str
    terminal_id: str
    occurred_at: str
    balance_after: int  # the citizen's ご利用可能金額 after the payment
    breakdown: dict[str, int]
    method: str


def check_amount(amount: int) -> None:
    if not 1 <= amount <= MAX_AMOUNT:
        raise InvalidRequest(f"金額は1円から{MAX_AMOUNT:,}円までで入力してください。")


@dataclass(frozen=True)
class Plan:
    """Everything one attempt needs, derived from one read."""

    committee: Item
    store: Item
    terminal: Item
    wallet: Item
    amount: int
    still: ledger.StillAdmitted
    operator: dict[str, Any]
    authorization: ledger.Authorization  # the QR token or MPM request this payment uses up


def _settle(
    rt: Runtime,
    *,
    read_keys: list[keys.Key],
    idem_scope: str,
    idem: str,
    request: dict[str, Any],
    method: str,
    admitted: Callable[[dict[keys.Key, Item], datetime], None],
    plan: Callable[[dict[keys.Key, Item], datetime], Plan],
) -> PaymentResult:
    def attempt(found: dict[keys.Key, Item], now: datetime) -> idempotency.Planned[PaymentResult]:
        chosen = plan(found, now)
        result, txn, taken = _prepare(chosen, now, method)
        wallet_view = {
            "number": result.number,
            "amount": result.amount,
            "store_name": result.store_name,
            "occurred_at": result.occurred_at,
            "balance_after": result.balance_after,
            "method": method,
        }

        def write(record: Item) -> None:
            try:
                ledger.pay(
                    rt.db,
                    authorization=chosen.authorization,
                    receipt=wallet_view,
                    wallet_id=str(chosen.wallet["wallet_id"]),
                    taken=taken,
                    txn=txn,
                    idempotency=record,
                    still=chosen.still,
                    request_token=hashlib.sha256(f"{idem_scope}:{idem}:{result.number}".encode()).hexdigest()[:36],
                    now=now,
                )
            except (ledger.AlreadyRecorded, ledger.Refused):
                count("payment_retry", 1)
                raise
            count("payment_ok", 1)
            count("payment_yen", result.amount)

        return idempotency.Planned(result, write)

    return idempotency.settle(
        rt.db,
        rt.clock,
        scope=idem_scope,
        idem_key=idem,
        request=request,
        result_type=PaymentResult,
        read_keys=read_keys,
        admitted=admitted,
        plan=attempt,
        attempts=ATTEMPTS,
        exhausted=lambda: ServiceUnavailable("他の操作と重なりました。もう一度お試しください。"),
    )


def _prepare(chosen: Plan, now: datetime, method: str) -> tuple[PaymentResult, Item, dict[str, int]]:
    buckets = money.buckets_of(chosen.wallet)
    today = jst_date(now)
    large = bool(chosen.store.get("large"))
    try:
        taken = money.split_payment(buckets, chosen.amount, today=today, large_store=large)
    except money.InsufficientBalance as error:
        raise InsufficientHere(available=money.available(buckets, today=today, large_store=large)) from error
    after = money.apply(buckets, {k: -v for k, v in taken.items()})
    number = ids.transaction_number(now)
    split = money.breakdown(buckets, taken).to_item()
    result = PaymentResult(
        number=number,
        amount=chosen.amount,
        store_id=str(chosen.store["store_id"]),
        store_name=str(chosen.store["name"]),
        terminal_id=str(chosen.terminal["terminal_id"]),
        occurred_at=iso(now),
        balance_after=money.available(after, today=today, large_store=False),
        breakdown=split,
        method=method,
    )
    txn = transactions.item(
        number,
        txn_type=TxnType.PAYMENT,
        at=now,
        amount=chosen.amount,
        committee=chosen.committee,
        wallet_id=str(chosen.wallet["wallet_id"]),
        wallet_external_id=chosen.wallet.get("external_user_id"),
        **transactions.moved(buckets, taken),
        # Each taken bucket's last day, so a cancel decides credit or lapse without reading the wallet.
        bucket_expiry={b.bucket_id: b.expires_on for b in buckets if b.bucket_id in taken},
        store=chosen.store,
        terminal_id=str(chosen.terminal["terminal_id"]),
        external_terminal_id=chosen.terminal.get("external_terminal_id"),
        method=method,
        **{f"operator_{k}": v for k, v in chosen.operator.items() if v},
    )
    return result, txn, taken


def _wallet_check(wallet: Item | None, store: Item) -> Item:
    if wallet is None:
        raise QrUnknown()
    if wallet.get("status") != "active":
        raise ledger.WalletSuspended()
    if wallet.get("committee_id") != store.get("committee_id"):
        raise WalletNotHere()
    return wallet


# --- CPM: the store reads the citizen's QR ------------------------------------------------------------
def pay_by_token(rt: Runtime, caller: Principal, *, token_text: str, amount: int, idem: str) -> PaymentResult:
    check_amount(amount)
    qr_token = qr.parse(token_text)
    assert caller.terminal_id and caller.store_id and caller.committee_id
    session_record_key, terminal_key, store_key = gate.merchant_keys(caller)
    qr_token_key = keys.qr_token(qr_token.digest)
    wallet_key = keys.wallet(qr_token.wallet_id)
    committee_key = keys.committee(caller.committee_id)

    def admitted(found: dict[keys.Key, Item], now: datetime) -> None:
        gate.check_merchant(caller, found, now_epoch=epoch(now))

    def plan(found: dict[keys.Key, Item], now: datetime) -> Plan:
        record = found.get(qr_token_key)
        if record is None or record.get("wallet_id") != qr_token.wallet_id:
            raise QrUnknown()
        if record.get("used_at"):
            raise QrUsed()
        if int(record["valid_until_epoch"]) <= epoch(now):
            raise QrExpired()
        store = found[store_key]
        return Plan(
            committee=found[committee_key],
            store=store,
            terminal=found[terminal_key],
            wallet=_wallet_check(found.get(wallet_key), store),
            amount=amount,
            still=ledger.StillAdmitted(session_record_key, terminal_key, store_key, binding_id=caller.binding_id),
            operator={"id": caller.user_id, "login": caller.login_id, "name": caller.name},
            authorization=ledger.QrTokenUse(qr_token_key, qr_token.wallet_id),
        )

    # Any refused write (token just used, balance just spent elsewhere, number taken) is read again:
    # plan() then names the reason precisely, or the retry goes through.
    return _settle(
        rt,
        read_keys=[session_record_key, terminal_key, store_key, committee_key, qr_token_key, wallet_key],
        idem_scope=f"term:{caller.terminal_id}",
        idem=idem,
        request={"token": qr_token.digest, "amount": amount},
        method="cpm",
        admitted=admitted,
        plan=plan,
    )


# --- MPM: the citizen reads the store's QR -------------------------------------------------------------
def mpm_request_id(store_id: str, terminal_id: str) -> str:
    return f"{store_id}.{terminal_id}.{ids.random_token(12)}"


def parse_mpm(request_id: str) -> tuple[str, str]:
    parts = request_id.split(".")
    if len(parts) != 3 or not ids.STORE_ID.match(parts[0]) or not ids.TERMINAL_ID.match(parts[1]):
        raise NotFound("お支払いの情報が見つかりません。")
    return parts[0], parts[1]


def pay_request(rt: Runtime, caller: Principal, *, request_id: str, idem: str) -> PaymentResult:
    store_id, terminal_id = parse_mpm(request_id)
    assert caller.committee_id
    session_record_key = keys.session(caller.home_pk, caller.session_id)
    request_key = keys.mpm_request(request_id)
    terminal_key, store_key = keys.terminal(terminal_id), keys.store(store_id)
    wallet_key, committee_key = keys.wallet(caller.user_id), keys.committee(caller.committee_id)

    def admitted(found: dict[keys.Key, Item], now: datetime) -> None:
        if not session_records.is_live(found.get(session_record_key), now):
            raise Unauthenticated()

    def plan(found: dict[keys.Key, Item], now: datetime) -> Plan:
        record = found.get(request_key)
        if record is None or record.get("committee_id") != caller.committee_id:
            raise NotFound("お支払いの情報が見つかりません。")
        if record.get("state") != "open":
            raise RequestPaid()
        if int(record["valid_until_epoch"]) <= epoch(now):
            raise RequestExpired()
        terminal, store = found.get(terminal_key), found.get(store_key)
        if terminal is None or terminal.get("status") != "active":
            raise gate.TerminalSuspended()
        if store is None or store.get("status") != "active":
            raise gate.StoreSuspended()
        return Plan(
            committee=found[committee_key],
            store=store,
            terminal=terminal,
            wallet=_wallet_check(found.get(wallet_key), store),
            amount=int(record["amount"]),
            still=ledger.StillAdmitted(session_record_key, terminal_key, store_key),
            operator=dict(record.get("operator") or {}),
            authorization=ledger.MpmRequestUse(request_key, caller.user_id),
        )

    return _settle(
        rt,
        read_keys=[session_record_key, request_key, terminal_key, store_key, committee_key, wallet_key],
        idem_scope=f"wallet:{caller.user_id}",
        idem=idem,
        request={"request": request_id},
        method="mpm",
        admitted=admitted,
        plan=plan,
    )
