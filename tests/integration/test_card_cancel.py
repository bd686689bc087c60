# ruff: noqa: F811  # the card fixtures (committee, secrets, card, till) come from test_cards / test_card_payments
"""決済取消 of a card payment after the card was reissued or moved to the app (issues 16 and 21): the value
goes back to where the card's value lives now, in one transaction with its audit entry; a value moved on
again is refused by name."""

from __future__ import annotations

from typing import Any

from shoken.db import keys, wallets
from shoken.runtime import Runtime
from tests.integration.conftest import console_login, wallet_login
from tests.integration.test_card_payments import Card, card, pay, till  # noqa: F401  # fixtures
from tests.integration.test_cards import charge, committee, secrets  # noqa: F401  # fixtures
from tests.integration.test_payment_gate import dynamo_calls
from tests.support.client import Client


def balance(rt: Runtime, wallet_id: str) -> int:
    record = wallets.get(rt.db, wallet_id)
    return sum(b.balance for b in record.buckets) if record else 0


def cancel(client: Client, number: str) -> Any:
    return client.post(f"/api/transactions/{number}/cancel")


def test_a_card_payment_cancelled_after_the_reissue_goes_back_to_the_new_card(
    card: Card, till: Client, committee: Client, rt: Runtime
) -> None:
    # Given yesterday's payment of 3,000 yen by card, and the card reissued since (lost)
    paid = pay(till, card.qr, 3_000)
    assert paid.status == 200, paid
    reissued = committee.post(f"/api/admin/cards/{card.number}/reissue", {"pin": "5820"})
    assert reissued.status == 200, reissued
    new_wallet = reissued.json["cards"][0]["wallet_id"]
    assert balance(rt, new_wallet) == 10_000 and balance(rt, card.wallet_id) == 0
    # When the shop cancels it at the till
    replies: list[Any] = []
    calls = dynamo_calls(rt, lambda: replies.append(cancel(till, paid.json["number"])))
    done = replies[0]
    # Then the new card's balance is back, the old wallet stays empty, and the till is told where it went
    assert done.status == 200 and done.json["credited"] == 3_000, done
    assert "再発行後のカード" in done.json["message"]
    assert balance(rt, new_wallet) == 13_000 and balance(rt, card.wallet_id) == 0
    # And the rare path costs one more read and one more write than the normal cancel's two round trips
    assert calls == ["BatchGetItem", "TransactWriteItems", "BatchGetItem", "TransactWriteItems"]
    # And the cancel is in the new card's history and the audit log names the wallet credited
    record = rt.db.get(keys.transaction(done.json["cancel_number"])) or {}
    assert record["wallet_id"] == new_wallet and record["paid_from_wallet_id"] == card.wallet_id
    audit = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&action=payment_cancelled")
    assert audit.json["items"][0]["detail"]["credited_wallet_id"] == new_wallet, audit
    # And a second cancel is refused as a repeat
    assert cancel(till, paid.json["number"]).code == "already_cancelled"


def test_a_card_payment_cancelled_after_the_move_to_the_app_goes_back_to_the_app(
    card: Card, till: Client, committee: Client, rt: Runtime
) -> None:
    paid = pay(till, card.qr, 2_000)
    assert paid.status == 200, paid
    app_id = wallet_login("taro@example.jp").get("/api/auth/me").json["user_id"]
    assert committee.post(f"/api/admin/cards/{card.number}/link", {"wallet_id": app_id}).status == 200
    assert balance(rt, app_id) == 11_000
    # When the committee cancels it from 取引履歴詳細
    done = cancel(console_login("ena-0001"), paid.json["number"])
    # Then the app wallet holds the value again
    assert done.status == 200 and "移行先のアプリ" in done.json["message"], done
    assert balance(rt, app_id) == 13_000 and balance(rt, card.wallet_id) == 0


def test_a_value_moved_on_twice_is_refused_by_name_and_nothing_changes(
    card: Card, till: Client, committee: Client, rt: Runtime
) -> None:
    paid = pay(till, card.qr, 1_000)
    reissued = committee.post(f"/api/admin/cards/{card.number}/reissue", {"pin": "5820"}).json["cards"][0]
    app_id = wallet_login("taro@example.jp").get("/api/auth/me").json["user_id"]
    moved = committee.post(f"/api/admin/cards/{reissued['card_number']}/link", {"wallet_id": app_id})
    assert moved.status == 200, moved
    refused = cancel(till, paid.json["number"])
    assert refused.status == 409 and refused.code == "cancel_value_moved", refused
    assert "委員会事務局" in refused.json["error"]["message"]
    assert (rt.db.get(keys.transaction(paid.json["number"])) or {})["status"] == "done"
    assert balance(rt, app_id) == 12_000
