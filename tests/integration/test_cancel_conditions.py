"""The cancel transaction's conditions that only a race or a collision exercises (issue 13.11, 13 ops 2).

Each test fails when its condition is removed from ledger.cancel_payment / ledger.credit_action:
- "credited bucket exists": a lapse that removes the bucket between the cancel's read and its write;
- "lapse record new": a lapse record drawn with a transaction number already taken.
"""

from __future__ import annotations

from typing import Any

import pytest

from shoken import ids, money
from shoken.clock import FrozenClock
from shoken.db import keys, transactions
from shoken.db.dynamo import Dynamo, Expr
from shoken.runtime import Runtime
from tests.integration.conftest import Shop, console_login


def dedicated_last_day(rt: Runtime, shop: Shop, day: str) -> list[str]:
    """Make the 専用券 part of the citizen's value end on `day`; its bucket ids."""
    ids_ = [b.bucket_id for b in shop.buckets if b.voucher_type is money.VoucherType.DEDICATED]
    for bucket_id in ids_:
        expr = Expr()
        rt.db.update(
            keys.wallet(str(shop.wallet["wallet_id"])),
            f"SET {expr.path('buckets', bucket_id, 'expires_on')} = {expr.v(day)}",
            expr,
        )
    return ids_


def test_a_lapse_landing_between_the_cancels_read_and_write_makes_it_lapse_not_resurrect(
    shop: Shop, rt: Runtime, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a payment of 6,500 専用 (last day today) + 500 共通
    dedicated = dedicated_last_day(rt, shop, "2026-11-29")
    receipt = shop.pay(7_000)
    wallet_key = keys.wallet(str(shop.wallet["wallet_id"]))
    real = Dynamo.transact
    raced: list[bool] = []

    def lapse_runs_first(self: Dynamo, actions: list[dict[str, Any]], **kw: Any) -> None:
        credits = any(a.get("Update", {}).get("Key", {}).get("PK") == {"S": wallet_key[0]} for a in actions)
        if credits and not raced:  # the cancel has read (today: credit everything back) and is about to write
            raced.append(True)
            clock.advance(seconds=20)  # midnight passes and the lapse job removes the expired buckets
            expr = Expr()
            rt.db.update(wallet_key, "REMOVE " + ", ".join(expr.path("buckets", b) for b in dedicated), expr)
        real(self, actions, **kw)

    monkeypatch.setattr(Dynamo, "transact", lapse_runs_first)
    # When the committee cancels it a few seconds before midnight (JST)
    clock.advance(hours=11, minutes=59, seconds=50)
    done = console_login("ena-0001").post(f"/api/transactions/{receipt['number']}/cancel")
    # Then the credit's condition refused the write, the cancel read again, and the expired part lapsed
    assert raced and done.status == 200, done
    assert (done.json["credited"], done.json["lapsed"]) == (500, 6_500)
    # And no half bucket came back to life in the wallet
    assert shop.balance(rt) == {b.bucket_id: b.balance for b in shop.buckets if b.bucket_id not in dedicated}
    lapse = [
        t
        for t in transactions.of_committee_day(rt.db, "1", "2026-11-30")
        if t["txn_type"] == "lapse" and t.get("original_number") == receipt["number"]
    ]
    assert [t["amount"] for t in lapse] == [6_500]


def test_a_lapse_record_never_overwrites_a_transaction_number_already_taken(
    shop: Shop, rt: Runtime, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an earlier payment, and a payment whose 専用券 part has expired since
    earlier = shop.pay(300)
    dedicated_last_day(rt, shop, "2026-11-30")
    receipt = shop.pay(7_000)
    clock.advance(days=2)
    # When the cancel's lapse record draws the earlier payment's number (its reversal a fresh one)
    real = ids.transaction_number
    drawn = iter([None, earlier["number"]])
    monkeypatch.setattr(ids, "transaction_number", lambda now: next(drawn, None) or real(now))
    done = console_login("ena-0001").post(f"/api/transactions/{receipt['number']}/cancel")
    # Then the cancel draws again and succeeds, and the earlier payment is untouched
    assert done.status == 200 and done.json["lapsed"] > 0, done
    kept = transactions.get(rt.db, earlier["number"], consistent=True)
    assert kept is not None and (kept.txn_type, kept.amount, kept.status) == ("payment", 300, "done")
    lapses = [
        t
        for t in transactions.of_committee_day(rt.db, "1", "2026-12-01")
        if t["txn_type"] == "lapse" and t.get("original_number") == receipt["number"]
    ]
    assert len(lapses) == 1 and lapses[0]["number"] != earlier["number"]
