"""The edge answers a domain refusal in the caller's language: the English wallet gets English."""

from __future__ import annotations

from shoken.runtime import Runtime
from tests.integration.conftest import Shop, key


def test_the_english_wallet_is_told_in_english_and_the_japanese_one_in_japanese(shop: Shop, rt: Runtime) -> None:
    # Given a store's MPM request for more than the citizen holds (13,000 yen)
    created = shop.till.post("/api/merchant/mpm", {"amount": 20_000}).json
    path = f"/api/wallet/mpm/{created['request_id']}/pay"
    # When the wallet pays it in English, then in Japanese
    english = shop.citizen.post(path, {"idempotency_key": key()}, headers={"X-Shoken-Language": "en"})
    japanese = shop.citizen.post(path, {"idempotency_key": key()})
    # Then both are the same refusal (status, code), each in its language
    assert (english.status, english.code) == (japanese.status, japanese.code) == (409, "insufficient_balance")
    assert english.json["error"]["message"].startswith("Not enough balance."), english
    assert japanese.json["error"]["message"].startswith("残高が不足しています。"), japanese
    assert sum(shop.balance(rt).values()) == 13_000
