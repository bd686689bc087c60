"""The edge answers a domain refusal in the caller's language: the English wallet gets English."""

from __future__ import annotations

from shoken.runtime import Runtime
from tests.integration.conftest import City, Shop, key
from tests.support.client import Client


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


def test_the_english_wallet_signs_in_in_english(city: City) -> None:
    # Given a wallet sign-in in English that has just sent its code
    client = Client("wallet")
    english = {"X-Shoken-Language": "en"}
    started = client.post(
        "/api/wallet/auth/start", {"email": "en@example.jp", "service_id": "enacity"}, headers=english
    )
    assert started.status == 200, started
    # When the resident presses "Send the code again" at once, then types a wrong code
    resend = client.post("/api/auth/resend", headers=english)
    wrong = client.post("/api/auth/verify", {"code": "000000"}, headers=english)
    # Then each refusal is in English, with its facts
    assert resend.code == "resend_throttled" and "you can send one again in" in resend.json["error"]["message"], resend
    assert wrong.code == "code_invalid" and wrong.json["error"]["message"].startswith("The code is not correct."), wrong


def test_a_limit_reached_says_when_to_try_again_in_each_language(shop: Shop) -> None:
    # Given a resident who shows new payment QR codes faster than the per-minute limit allows
    english = {"X-Shoken-Language": "en"}
    replies = [shop.citizen.post("/api/wallet/qr", {}, headers=english) for _ in range(40)]
    refused = [r for r in replies if r.status == 429]
    # Then the refusal says, in English, when to try again, and Retry-After says it in seconds
    assert refused, [r.status for r in replies]
    assert refused[0].code == "too_many_requests" and "Please try again in" in refused[0].json["error"]["message"]
    japanese = shop.citizen.post("/api/wallet/qr", {})
    assert japanese.status == 429 and "にもう一度お試しください" in japanese.json["error"]["message"], japanese
