"""CPM and MPM payments and their cancels: money rules, refusals, exactly once (issue 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shoken import money
from shoken.clock import FrozenClock
from shoken.db import keys, transactions
from shoken.db.dynamo import Expr
from shoken.runtime import Runtime
from tests.integration.conftest import Shop, console_login, key, merchant_login, wallet_login
from tests.support.client import Client
from tests.support.world import World


def pay(till: Client, token: str, amount: int, idem: str | None = None) -> Any:
    return till.post("/api/payments", {"token": token, "amount": amount, "idempotency_key": idem or key()})


def test_cpm_payment_spends_dedicated_first_and_both_phones_see_it(shop: Shop, rt: Runtime) -> None:
    issued = shop.citizen.post("/api/wallet/qr").json
    receipt = pay(shop.till, issued["token"], 8_000)
    assert receipt.status == 200, receipt
    assert set(receipt.json) == {
        "number",
        "amount",
        "store_id",
        "store_name",
        "terminal_id",
        "occurred_at",
        "method",
    }  # no balance
    assert receipt.json["amount"] == 8_000 and receipt.json["store_name"] == "テスト店舗1"
    txn = transactions.get(rt.db, receipt.json["number"])
    assert txn and txn.txn_type == "payment" and txn.item["store_id"] == shop.city.store["store_id"]
    breakdown = txn.item["breakdown"]
    assert breakdown["dedicated"] == 6_500 and breakdown["common"] == 1_500
    assert breakdown["prepaid"] + breakdown["bonus"] == 8_000
    state = shop.citizen.get(f"/api/wallet/qr/{issued['poll_id']}").json
    assert (
        state["state"] == "paid"
        and state["payment"]["balance_after"] == 5_000
        and state["payment"]["number"] == receipt.json["number"]
    )
    assert shop.citizen.get("/api/wallet/home").json["balance"] == 5_000


def test_large_stores_cannot_take_dedicated_vouchers(shop: Shop) -> None:
    refused = pay(shop.large_till, shop.token(), 7_000)
    assert refused.status == 409 and refused.code == "insufficient_balance"
    assert "6,500円" in refused.json["error"]["message"]
    assert pay(shop.large_till, shop.token(), 6_500).status == 200
    assert shop.citizen.get("/api/wallet/home").json["dedicated"] == 6_500


@pytest.mark.parametrize("amount", [0, -1, 10_000_000])
def test_amount_must_be_one_to_seven_digits(shop: Shop, amount: int) -> None:
    assert pay(shop.till, shop.token(), amount).status == 400


def test_each_bad_token_gets_its_own_message_and_nothing_changes(
    shop: Shop, rt: Runtime, clock: FrozenClock, world: World
) -> None:
    before = shop.balance(rt)
    assert pay(shop.till, "https://example.com/", 100).code == "qr_invalid"
    forged = f"{shop.wallet['wallet_id']}.AAAAAAAAAAAAAAAAAAAAAA"
    assert pay(shop.till, forged, 100).code == "qr_unknown"
    token = shop.token()
    other = world.wallet(shop.city.committee, "taro@example.jp", buckets=[])
    moved = f"{other['wallet_id']}.{token.split('.')[1]}"  # the secret of one wallet with another's id
    assert pay(shop.till, moved, 100).code == "qr_unknown"
    clock.advance(seconds=rt.config.qr_ttl_seconds + 1)
    assert pay(shop.till, token, 100).code == "qr_expired"
    assert shop.balance(rt) == before
    shop.citizen = wallet_login("hanako@example.jp")
    shop.till = merchant_login(shop.city.terminal, "shopuser01")
    used = shop.token()
    assert pay(shop.till, used, 100).status == 200
    assert pay(shop.till, used, 100).code == "qr_used"


def test_suspended_wallet_store_or_terminal_refuses(shop: Shop, rt: Runtime) -> None:
    token = shop.token()
    committee = console_login("ena-0001")
    committee.post(f"/api/admin/app-users/{shop.wallet['wallet_id']}/suspend")
    assert pay(shop.till, token, 100).code == "wallet_suspended"
    committee.post(f"/api/admin/app-users/{shop.wallet['wallet_id']}/resume")
    shop.citizen = wallet_login("hanako@example.jp")
    token = shop.token()
    expr = Expr()
    rt.db.update(
        keys.terminal(shop.city.terminal["terminal_id"]), f"SET {expr.n('status')} = {expr.v('suspended')}", expr
    )
    assert pay(shop.till, token, 100).code == "terminal_suspended"
    expr = Expr()
    rt.db.update(keys.terminal(shop.city.terminal["terminal_id"]), f"SET {expr.n('status')} = {expr.v('active')}", expr)
    expr = Expr()
    rt.db.update(keys.store(shop.city.store["store_id"]), f"SET {expr.n('status')} = {expr.v('suspended')}", expr)
    assert pay(shop.till, token, 100).code == "store_suspended"
    assert shop.citizen.get("/api/wallet/home").json["balance"] == 13_000


def test_a_retry_returns_the_first_result_and_never_debits_twice(shop: Shop, rt: Runtime) -> None:
    token = shop.token()
    idem = key()
    first = pay(shop.till, token, 1_000, idem)
    again = pay(shop.till, token, 1_000, idem)  # time-out, double tap, reload: same key
    assert first.status == again.status == 200 and first.json == again.json
    different = pay(shop.till, token, 2_000, idem)
    assert different.status == 409 and different.code == "idempotency_key_reused"
    assert shop.citizen.get("/api/wallet/home").json["balance"] == 12_000


def test_the_normal_path_is_two_dynamodb_round_trips(shop: Shop, rt: Runtime) -> None:
    token = shop.token()
    calls: list[str] = []

    def count(event_name: str, **_: Any) -> None:
        calls.append(event_name.split(".")[-1])

    rt.db.client.meta.events.register("before-call.dynamodb", count)
    try:
        assert pay(shop.till, token, 500).status == 200
    finally:
        rt.db.client.meta.events.unregister("before-call.dynamodb", count)
    assert calls == ["BatchGetItem", "TransactWriteItems"]


def test_cancel_restores_each_bucket_once_within_90_days_in_scope(shop: Shop, rt: Runtime, clock: FrozenClock) -> None:
    before = shop.balance(rt)
    receipt = pay(shop.till, shop.token(), 8_000).json
    number = receipt["number"]
    staff = merchant_login(shop.second_terminal, "shopstaff01")
    assert staff.post(f"/api/transactions/{number}/cancel").status == 403  # 店舗担当者 cannot cancel
    other_store = merchant_login(shop.city.other_terminal, "shopuser02")
    assert other_store.post(f"/api/transactions/{number}/cancel").status == 404  # another store: not found
    assert console_login("ena-0003").post(f"/api/transactions/{number}/cancel").status == 403  # 企業担当者
    assert console_login("ena-0009").post(f"/api/transactions/{number}/cancel").status == 404  # other company

    done = shop.till.post(f"/api/transactions/{number}/cancel")
    assert (
        done.status == 200
        and done.json["status_label"] == "取消済み"
        and done.json["message"] == "取消処理が完了しました。"
    )
    assert shop.balance(rt) == before
    assert shop.till.post(f"/api/transactions/{number}/cancel").code == "already_cancelled"
    original = transactions.get(rt.db, number)
    reversal = transactions.get(rt.db, done.json["cancel_number"])
    assert original and original.status == "cancelled" and reversal and reversal.txn_type == "payment_cancel"
    assert reversal.buckets == original.buckets and reversal.item["breakdown"] == original.item["breakdown"]

    second = pay(shop.till, shop.token(), 1_000).json
    clock.advance(days=91)
    committee = console_login("ena-0001")
    assert committee.post(f"/api/transactions/{second['number']}/cancel").code == "cancel_window_passed"


def test_console_cancel_and_expired_value_lapses_instead_of_returning(
    shop: Shop, rt: Runtime, clock: FrozenClock
) -> None:
    wallet_id = str(shop.wallet["wallet_id"])
    dedicated = [b for b in shop.buckets if b.voucher_type is money.VoucherType.DEDICATED]
    for bucket in dedicated:  # the 専用券 part's last day is tomorrow, so it expires before the cancel
        expr = Expr()
        rt.db.update(
            keys.wallet(wallet_id),
            f"SET {expr.path('buckets', bucket.bucket_id, 'expires_on')} = {expr.v('2026-11-30')}",
            expr,
        )
    receipt = pay(shop.till, shop.token(), 7_000).json  # 6,500 専用 + 500 共通
    clock.advance(days=2)
    done = console_login("ena-0001").post(f"/api/transactions/{receipt['number']}/cancel").json
    assert done["credited"] == 500 and done["lapsed"] == 6_500
    history = wallet_login("hanako@example.jp").get("/api/wallet/history").json["items"]
    # All three happen at the same (frozen) instant, so their order in the list is not the point.
    assert sorted((h["txn_type"], h["amount"]) for h in history[:3]) == [
        ("lapse", -6_500),
        ("payment", -7_000),
        ("payment_cancel", 7_000),
    ]


def test_mpm_store_shows_the_qr_and_the_citizen_pays(shop: Shop) -> None:
    created = shop.till.post("/api/merchant/mpm", {"amount": 1_200}).json
    assert created["qr_text"].startswith("SKMPM:") and created["image"].startswith("data:image/png")
    seen = shop.citizen.get(f"/api/wallet/mpm/{created['request_id']}").json
    assert seen == {
        "request_id": created["request_id"],
        "store_name": "テスト店舗1",
        "amount": 1_200,
        "state": "open",
        "valid_until": created["valid_until"],
    }
    idem = key()
    paid = shop.citizen.post(f"/api/wallet/mpm/{created['request_id']}/pay", {"idempotency_key": idem})
    assert paid.status == 200 and paid.json["balance_after"] == 11_800
    assert (
        shop.citizen.post(f"/api/wallet/mpm/{created['request_id']}/pay", {"idempotency_key": idem}).json == paid.json
    )
    assert (
        shop.citizen.post(f"/api/wallet/mpm/{created['request_id']}/pay", {"idempotency_key": key()}).code == "mpm_paid"
    )
    state = shop.till.get(f"/api/merchant/mpm/{created['request_id']}").json
    assert state["state"] == "paid" and state["payment"]["number"] == paid.json["number"]
    assert "balance_after" not in state["payment"]
    assert shop.citizen.get("/api/wallet/home").json["balance"] == 11_800


def test_a_citizen_of_another_city_cannot_pay_here(shop: Shop, world: World) -> None:
    terms = money.ProgrammeTerms("P9", 10_000, {money.VoucherType.COMMON: 13_000}, "2026-11-01", "2027-04-30")
    world.wallet(
        shop.city.other_committee,
        "outsider@example.jp",
        buckets=money.purchase_buckets(terms, 1, source="X", created_at="x"),
    )
    outsider = wallet_login("outsider@example.jp", service_id="othercity")
    assert pay(shop.till, shop.token(outsider), 100).code == "wallet_other_service"


def fault_once(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch, make: Callable[[Callable[..., None], Any, Any], None]
) -> None:
    original = rt.db.transact
    state = {"done": False}

    def faulty(actions: Any, *, token: str | None = None) -> None:
        if state["done"]:
            return original(actions, token=token)
        state["done"] = True
        return make(original, actions, token)

    monkeypatch.setattr(rt.db, "transact", faulty)


def test_throttling_refuses_cleanly_and_a_retry_pays_once(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    def throttled(original: Callable[..., None], actions: Any, token: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "TransactWriteItems"
        )

    fault_once(rt, monkeypatch, throttled)
    token, idem = shop.token(), key()
    busy = pay(shop.till, token, 1_000, idem)
    assert busy.status == 503 and busy.code == "service_unavailable"
    assert shop.citizen.get("/api/wallet/home").json["balance"] == 13_000
    assert pay(shop.till, token, 1_000, idem).status == 200
    assert shop.citizen.get("/api/wallet/home").json["balance"] == 12_000


def test_a_timeout_after_the_write_committed_still_ends_with_one_debit(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ReadTimeoutError

    def committed_then_lost(original: Callable[..., None], actions: Any, token: Any) -> None:
        original(actions, token=token)
        raise ReadTimeoutError(endpoint_url="https://dynamodb.ap-northeast-1.amazonaws.com")

    fault_once(rt, monkeypatch, committed_then_lost)
    token, idem = shop.token(), key()
    first = pay(shop.till, token, 1_000, idem)
    assert first.status == 200, first  # the idempotency record written with the payment tells it went through
    assert pay(shop.till, token, 1_000, idem).json == first.json
    assert shop.citizen.get("/api/wallet/home").json["balance"] == 12_000


def test_a_transaction_conflict_is_retried_transparently(
    shop: Shop, monkeypatch: pytest.MonkeyPatch, rt: Runtime
) -> None:
    from shoken.db.dynamo import TransactionFailed

    def conflict(original: Callable[..., None], actions: Any, token: Any) -> None:
        raise TransactionFailed(["TransactionConflict", None, None, None], [None] * 4)

    fault_once(rt, monkeypatch, conflict)
    assert pay(shop.till, shop.token(), 1_000).status == 200
    assert shop.citizen.get("/api/wallet/home").json["balance"] == 12_000
