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
from datetime import datetime
from typing import Any

from shoken import gate, ids, money, qr, strict
from shoken.clock import epoch, iso, jst_date
from shoken.db import idempotency, keys, ledger, transactions
from shoken.db import sessions as session_records
from shoken.db.dynamo import Found, Item
from shoken.db.records import Session, Store, Terminal, Wallet
from shoken.errors import (
    AmountOutOfRange,
    InsufficientHere,
    PaymentRequestNotFound,
    QrExpired,
    QrUnknown,
    QrUsed,
    RequestExpired,
    RequestPaid,
    Unauthenticated,
    WalletNotHere,
    WritesOverlapped,
)
from shoken.frozen import Frozen, set_field
from shoken.observability import count
from shoken.principal import Principal
from shoken.runtime import Runtime
from shoken.status import RequestState
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
        raise AmountOutOfRange(most=MAX_AMOUNT)


class Plan(Frozen):
    """Everything one attempt needs, derived from one read."""

    __slots__ = ("amount", "authorization", "committee", "operator", "still", "store", "terminal", "wallet")
    committee: Item
    store: Store
    terminal: Terminal
    wallet: Wallet
    amount: int
    still: ledger.StillAdmitted
    operator: dict[str, Any]
    authorization: ledger.Authorization  # the QR token, MPM request or card this payment uses

    def __init__(
        self,
        committee: Item,
        store: Store,
        terminal: Terminal,
        wallet: Wallet,
        amount: int,
        still: ledger.StillAdmitted,
        operator: dict[str, Any],
        authorization: ledger.Authorization,
    ) -> None:
        set_field(self, "committee", committee)
        set_field(self, "store", store)
        set_field(self, "terminal", terminal)
        set_field(self, "wallet", wallet)
        set_field(self, "amount", amount)
        set_field(self, "still", still)
        set_field(self, "operator", operator)
        set_field(self, "authorization", authorization)


def _settle(
    rt: Runtime,
    *,
    read_keys: list[keys.Key],
    idem_scope: str,
    idem: str,
    request: dict[str, Any],
    method: str,
    admitted: Callable[[Found, datetime], None],
    plan: Callable[[Found, datetime], Plan],
) -> PaymentResult:
    def attempt(found: Found, now: datetime) -> idempotency.Planned[PaymentResult]:
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
                    wallet_id=chosen.wallet.wallet_id,
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
        exhausted=WritesOverlapped,
    )


def _prepare(chosen: Plan, now: datetime, method: str) -> tuple[PaymentResult, Item, dict[str, int]]:
    buckets = chosen.wallet.buckets
    today = jst_date(now)
    large = chosen.store.large
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
        store_id=chosen.store.store_id,
        store_name=chosen.store.name,
        terminal_id=chosen.terminal.terminal_id,
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
        wallet_id=chosen.wallet.wallet_id,
        wallet_external_id=chosen.wallet.external_user_id,
        **transactions.moved(buckets, taken),
        # Each taken bucket's last day, so a cancel decides credit or lapse without reading the wallet.
        bucket_expiry={b.bucket_id: b.expires_on for b in buckets if b.bucket_id in taken},
        store=chosen.store,
        terminal_id=chosen.terminal.terminal_id,
        external_terminal_id=chosen.terminal.external_terminal_id,
        method=method,
        **{f"operator_{k}": v for k, v in chosen.operator.items() if v},
    )
    return result, txn, taken


def _wallet_check(wallet: Wallet | None, store: Store) -> Wallet:
    if wallet is None:
        raise QrUnknown()
    if not wallet.active:
        raise ledger.WalletSuspended()
    if wallet.committee_id != store.committee_id:
        raise WalletNotHere()
    return wallet


# --- at the till: the store reads the citizen's QR (CPM) or card ---------------------------------------
# What a till payment's own authorization decides from the read: the QR token or card it names, checked
# against the store and committee read beside it.
Authorize = Callable[[Found, datetime, Store, Item], ledger.Authorization]


def pay_at_till(
    rt: Runtime,
    caller: Principal,
    *,
    amount: int,
    idem: str,
    wallet_id: str,
    authorization_key: keys.Key,
    authorize: Authorize,
    request: dict[str, Any],
    method: str,
) -> PaymentResult:
    """A payment the till takes: the caller is the till (session, bound terminal, store), and what
    authorizes it is read in the same BatchGetItem as the wallet (a QR token, a card). `authorize`
    raises the refusal its own checks name; the wallet is checked after it. The caller has checked
    the amount (check_amount), before reading what authorizes the payment."""
    assert caller.terminal_id and caller.store_id and caller.committee_id
    session_record_key, terminal_key, store_key = gate.merchant_keys(caller)
    wallet_key, committee_key = keys.wallet(wallet_id), keys.committee(caller.committee_id)

    def admitted(found: Found, now: datetime) -> None:
        gate.check_merchant(caller, found, now_epoch=epoch(now))

    def plan(found: Found, now: datetime) -> Plan:
        # admitted() found the terminal and store, so these records are there (and decoded already).
        store, terminal = found.record(Store, store_key), found.record(Terminal, terminal_key)
        assert store is not None and terminal is not None
        committee = found[committee_key]
        authorization = authorize(found, now, store, committee)
        return Plan(
            committee=committee,
            store=store,
            terminal=terminal,
            wallet=_wallet_check(found.record(Wallet, wallet_key), store),
            amount=amount,
            still=ledger.StillAdmitted(session_record_key, terminal_key, store_key, binding_id=caller.binding_id),
            operator={"id": caller.user_id, "login": caller.login_id, "name": caller.name},
            authorization=authorization,
        )

    # Any refused write (token just used, card just blocked, balance just spent elsewhere, number taken)
    # is read again: plan() then names the reason precisely, or the retry goes through.
    return _settle(
        rt,
        read_keys=[session_record_key, terminal_key, store_key, committee_key, authorization_key, wallet_key],
        idem_scope=f"term:{caller.terminal_id}",
        idem=idem,
        request=request,
        method=method,
        admitted=admitted,
        plan=plan,
    )


def pay_by_token(rt: Runtime, caller: Principal, *, token_text: str, amount: int, idem: str) -> PaymentResult:
    """CPM: the store reads the citizen's one-time QR token."""
    check_amount(amount)
    qr_token = qr.parse(token_text)
    qr_token_key = keys.qr_token(qr_token.digest)

    def authorize(found: Found, now: datetime, store: Store, committee: Item) -> ledger.Authorization:
        record = found.get(qr_token_key)
        if record is None or record.get("wallet_id") != qr_token.wallet_id:
            raise QrUnknown()
        if record.get("used_at"):
            raise QrUsed()
        if int(record["valid_until_epoch"]) <= epoch(now):
            raise QrExpired()
        return ledger.QrTokenUse(qr_token_key, qr_token.wallet_id)

    return pay_at_till(
        rt,
        caller,
        amount=amount,
        idem=idem,
        wallet_id=qr_token.wallet_id,
        authorization_key=qr_token_key,
        authorize=authorize,
        request={"token": qr_token.digest, "amount": amount},
        method="cpm",
    )


# --- MPM: the citizen reads the store's QR -------------------------------------------------------------
def mpm_request_id(store_id: str, terminal_id: str) -> str:
    return f"{store_id}.{terminal_id}.{ids.random_token(12)}"


def parse_mpm(request_id: str) -> tuple[str, str]:
    parts = request_id.split(".")
    if len(parts) != 3 or not ids.STORE_ID.match(parts[0]) or not ids.TERMINAL_ID.match(parts[1]):
        raise PaymentRequestNotFound()
    return parts[0], parts[1]


def pay_request(rt: Runtime, caller: Principal, *, request_id: str, idem: str) -> PaymentResult:
    store_id, terminal_id = parse_mpm(request_id)
    assert caller.committee_id
    session_record_key = keys.session(caller.home_pk, caller.session_id)
    request_key = keys.mpm_request(request_id)
    terminal_key, store_key = keys.terminal(terminal_id), keys.store(store_id)
    wallet_key, committee_key = keys.wallet(caller.user_id), keys.committee(caller.committee_id)

    def admitted(found: Found, now: datetime) -> None:
        if not session_records.is_live(found.record(Session, session_record_key), now):
            raise Unauthenticated()

    def plan(found: Found, now: datetime) -> Plan:
        record = found.get(request_key)
        if record is None or record.get("committee_id") != caller.committee_id:
            raise PaymentRequestNotFound()
        if record.get("state") != RequestState.OPEN:
            raise RequestPaid()
        if int(record["valid_until_epoch"]) <= epoch(now):
            raise RequestExpired()
        terminal, store = found.record(Terminal, terminal_key), found.record(Store, store_key)
        if terminal is None or not terminal.active:
            raise gate.TerminalSuspended()
        if store is None or not store.active:
            raise gate.StoreSuspended()
        return Plan(
            committee=found[committee_key],
            store=store,
            terminal=terminal,
            wallet=_wallet_check(found.record(Wallet, wallet_key), store),
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
