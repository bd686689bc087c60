"""Payments and cancels racing on one wallet, one token and one idempotency key (issues 6.6 and 13.11).

The threads call the payment and cancel code itself (payment.pay_by_token, and the cancel route
in-process, without the local server's per-request lock); each test bounds its outcome from below
and from above.

moto is serialized per call (local/moto_shim.py), so the threads interleave the application code
between the read and the write of each payment, which is where a race could overspend. Only the
conditions of the single TransactWriteItems stand between them and an overspend, as in AWS.
"""

from __future__ import annotations

from typing import Any

import pytest

from shoken import gate, ids, money, payment, sessions
from shoken.db import transactions
from shoken.errors import ShokenError
from shoken.principal import Principal
from shoken.runtime import Runtime
from tests.integration.conftest import Shop, key
from tests.support.races import THREADS, race


def principal_of(rt: Runtime, till: Any) -> Principal:
    cookie = next(v for k, v in till.cookies.items() if k.endswith("shoken_merchant"))
    return gate.principal_from(sessions.decode(rt.session_key, "session", cookie, now=rt.clock.now()))


def spent(rt: Runtime, shop: Shop) -> int:
    return 13_000 - sum(shop.balance(rt).values())


def test_one_token_pays_once_however_many_tills_read_it(shop: Shop, rt: Runtime) -> None:
    caller = principal_of(rt, shop.till)
    token = shop.token()
    results = race(lambda n: payment.pay_by_token(rt, caller, token_text=token, amount=1_000, idem=key()))
    receipts = [r for r in results if isinstance(r, payment.PaymentResult)]
    assert len(receipts) == 1, results  # at least one and at most one
    assert all(r == "qr_used" for r in results if not isinstance(r, payment.PaymentResult)), results
    assert spent(rt, shop) == 1_000


def test_one_idempotency_key_debits_once_and_everyone_gets_the_same_receipt(shop: Shop, rt: Runtime) -> None:
    caller = principal_of(rt, shop.till)
    token, idem = shop.token(), key()
    results = race(lambda n: payment.pay_by_token(rt, caller, token_text=token, amount=2_000, idem=idem))
    assert all(isinstance(r, payment.PaymentResult) for r in results), results
    assert len({r.number for r in results}) == 1  # one payment, not zero and not two
    assert spent(rt, shop) == 2_000


def test_many_tokens_of_one_wallet_never_overspend(shop: Shop, rt: Runtime) -> None:
    caller = principal_of(rt, shop.till)
    tokens = [shop.token() for _ in range(THREADS)]
    results = race(lambda n: payment.pay_by_token(rt, caller, token_text=tokens[n], amount=3_000, idem=key()))
    paid = [r for r in results if isinstance(r, payment.PaymentResult)]
    refused = [r for r in results if not isinstance(r, payment.PaymentResult)]
    # Four fit in 13,000 yen; a till that kept losing the race may be told to try again instead.
    assert len(paid) <= 4 and all(r in ("insufficient_balance", "service_unavailable") for r in refused), results
    assert 4 - refused.count("service_unavailable") <= len(paid)
    assert len(paid) >= 1  # the first write to commit always wins: a race can never refuse everyone
    balances = shop.balance(rt)
    assert all(b >= 0 for b in balances.values())
    assert spent(rt, shop) == sum(r.amount for r in paid) == 3_000 * len(paid)
    # Value is conserved bucket by bucket: what each bucket lost is what the payments recorded.
    taken: dict[str, int] = {}
    for receipt in paid:
        record = transactions.get(rt.db, receipt.number)
        assert record is not None
        for bucket_id, amount in record.buckets.items():
            taken[bucket_id] = taken.get(bucket_id, 0) + int(amount)
    assert {b.bucket_id: b.initial - balances[b.bucket_id] for b in shop.buckets} == {
        b.bucket_id: taken.get(b.bucket_id, 0) for b in shop.buckets
    }
    assert (
        money.available(
            money.buckets_of(
                {"buckets": {b.bucket_id: {**b.to_item(), "balance": balances[b.bucket_id]} for b in shop.buckets}}
            ),
            today="2026-11-29",
            large_store=False,
        )
        == 1_000
    )


def test_one_payment_cancelled_from_many_tills_at_once_is_credited_once(shop: Shop, rt: Runtime) -> None:
    receipt = payment.pay_by_token(rt, principal_of(rt, shop.till), token_text=shop.token(), amount=8_000, idem=key())
    replies = race(lambda n: shop.till.post(f"/api/transactions/{receipt.number}/cancel"))
    done = [r for r in replies if r.status == 200]
    assert len(done) == 1, replies  # at least one cancel goes through, and at most one
    assert all(r.status == 409 and r.code == "already_cancelled" for r in replies if r.status != 200), replies
    assert spent(rt, shop) == 0
    original = transactions.get(rt.db, receipt.number, consistent=True)
    assert original is not None and original.item["cancelled_by"] == done[0].json["cancel_number"]


def test_cancels_and_payments_racing_on_one_wallet_conserve_value(shop: Shop, rt: Runtime) -> None:
    caller = principal_of(rt, shop.till)
    first = [
        payment.pay_by_token(rt, caller, token_text=shop.token(), amount=1_500, idem=key()) for _ in range(THREADS)
    ]
    assert spent(rt, shop) == 12_000
    tokens = [shop.token() for _ in range(THREADS)]

    def cancel_then_pay(n: int) -> tuple[int, Any]:
        cancelled = shop.till.post(f"/api/transactions/{first[n].number}/cancel")
        try:
            return cancelled.status, payment.pay_by_token(rt, caller, token_text=tokens[n], amount=1_500, idem=key())
        except ShokenError as error:
            return cancelled.status, error.code

    results = race(cancel_then_pay)
    assert [status for status, _ in results] == [200] * THREADS, results  # every cancel, exactly once each
    paid = [r for _, r in results if isinstance(r, payment.PaymentResult)]
    # Each thread pays only after its own cancel freed 1,500 yen, so no payment may be short of balance;
    # one that kept losing the race may be told to try again, but someone always wins.
    assert all(r == "service_unavailable" for _, r in results if not isinstance(r, payment.PaymentResult)), results
    assert 1 <= len(paid) <= THREADS
    assert spent(rt, shop) == 1_500 * len(paid)
    assert all(b >= 0 for b in shop.balance(rt).values())


def test_one_idempotency_key_sent_with_different_tokens_at_once_pays_once(shop: Shop, rt: Runtime) -> None:
    caller = principal_of(rt, shop.till)
    tokens, idem = [shop.token() for _ in range(THREADS)], key()
    results = race(lambda n: payment.pay_by_token(rt, caller, token_text=tokens[n], amount=1_000, idem=idem))
    paid = [r for r in results if isinstance(r, payment.PaymentResult)]
    assert len(paid) == 1, results  # one key, one payment: not zero, not two
    assert all(r == "idempotency_key_reused" for r in results if not isinstance(r, payment.PaymentResult)), results
    assert spent(rt, shop) == 1_000


def next_number_drawn_is(monkeypatch: pytest.MonkeyPatch, taken: str) -> None:
    """The next transaction number drawn is `taken` (as if the random draw collided); later ones are fresh."""
    real = ids.transaction_number
    drawn = iter([taken])
    monkeypatch.setattr(ids, "transaction_number", lambda now: next(drawn, None) or real(now))


def test_a_transaction_number_already_taken_is_never_overwritten(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    caller = principal_of(rt, shop.till)
    first = payment.pay_by_token(rt, caller, token_text=shop.token(), amount=1_000, idem=key())
    next_number_drawn_is(monkeypatch, first.number)
    second = payment.pay_by_token(rt, caller, token_text=shop.token(), amount=2_000, idem=key())
    assert second.number != first.number
    kept = transactions.get(rt.db, first.number, consistent=True)
    assert kept is not None and kept.amount == 1_000
    assert spent(rt, shop) == 3_000


def test_one_mpm_request_paid_from_many_phones_at_once_is_paid_once(shop: Shop, rt: Runtime) -> None:
    created = shop.till.post("/api/merchant/mpm", {"amount": 2_500}).json
    cookie = next(v for k, v in shop.citizen.cookies.items() if k.endswith("shoken_wallet"))
    citizen = gate.principal_from(sessions.decode(rt.session_key, "session", cookie, now=rt.clock.now()))
    results = race(lambda n: payment.pay_request(rt, citizen, request_id=created["request_id"], idem=key()))
    paid = [r for r in results if isinstance(r, payment.PaymentResult)]
    assert len(paid) == 1, results  # at least one and at most one
    assert all(r == "mpm_paid" for r in results if not isinstance(r, payment.PaymentResult)), results
    assert spent(rt, shop) == 2_500


def test_a_cancel_never_overwrites_a_transaction_number_already_taken(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    caller = principal_of(rt, shop.till)
    first = payment.pay_by_token(rt, caller, token_text=shop.token(), amount=1_000, idem=key())
    second = payment.pay_by_token(rt, caller, token_text=shop.token(), amount=2_000, idem=key())
    next_number_drawn_is(monkeypatch, first.number)
    done = shop.till.post(f"/api/transactions/{second.number}/cancel")
    assert done.status == 200 and done.json["cancel_number"] != first.number, done
    kept = transactions.get(rt.db, first.number, consistent=True)
    assert kept is not None and kept.txn_type == "payment" and kept.amount == 1_000
    assert spent(rt, shop) == 1_000
