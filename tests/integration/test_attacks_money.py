"""Money under a retry and a late cancel: a bulk grant (キャンペーン / 一括付与) sent twice, as a console does
when the first answer was lost (a time-out, a reload, a second click), must reach each resident once; a
payment cancelled after its value's last day must be taken from the store once."""

from __future__ import annotations

from typing import Any

from local.streams import Stream
from shoken import money
from shoken.clock import FrozenClock
from tests.integration.conftest import City, console_login, merchant_login, wallet_login
from tests.integration.test_payments import pay
from tests.integration.test_payout_runs import ACCOUNT, SETTINGS, at, line_of, run_for
from tests.integration.test_programmes_and_wallet import committee, programme
from tests.support.client import Client
from tests.support.world import World

# Why each test below fails today, by its number in /work/helpers/redteam-findings.md (remove the mark with the fix).
__all__ = ["committee", "programme"]


def test_a_retried_bulk_grant_reaches_each_resident_once(
    committee: Client, programme: dict[str, Any], stream: Stream
) -> None:
    resident = wallet_login("resident1@example.jp")
    body = {
        "programme_id": programme["programme_id"],
        "name": "全市民5,000円付与",
        "amount": 5_000,
        "idempotency_key": "grant-retry-0000000001",  # the console's key for this one press of 付与
    }
    # When the clerk's first request went through but its answer was lost, and the console sends it again
    first = committee.post("/api/admin/grants", body)
    again = committee.post("/api/admin/grants", body)
    assert first.status == 200, first
    assert again.status in (200, 409), again
    stream.drain()
    # Then the resident holds 5,000, not 10,000, and the console lists one grant
    assert resident.get("/api/wallet/home").json["common"] == 5_000
    assert len(committee.get("/api/admin/grants").json["items"]) == 1


def test_a_cancel_whose_value_has_lapsed_is_taken_from_the_store_once(
    world: World, city: City, clock: FrozenClock
) -> None:
    # Given a programme whose value lasts until 12/5, and 1,000 paid at テスト店舗1 on 11/29, paid out on 12/7
    world.programme(city.committee, use_end="2026-12-05")
    shares = {money.VoucherType.COMMON: 6_500, money.VoucherType.DEDICATED: 6_500}
    terms = money.ProgrammeTerms("P1", 10_000, shares, "2026-11-01", "2026-12-05")
    buckets = money.purchase_buckets(terms, 1, source="261101000000000001", created_at="2026-11-01T00:00:00.000000Z")
    world.wallet(city.committee, "hanako@example.jp", buckets=buckets)
    token = wallet_login("hanako@example.jp").post("/api/wallet/qr").json["token"]
    paid = pay(merchant_login(city.terminal, "shopuser01"), token, 1_000)
    assert paid.status == 200, paid
    store_id = city.store["store_id"]
    console_login("ena-0002").put(
        f"/api/admin/stores/{store_id}/payout-account", {**ACCOUNT, "account_number": "1111111"}
    )
    console_login("ena-0001").put("/api/admin/committees/1/payout-settings", SETTINGS)
    clock.set(at("2026-12-01T09:00:00"))
    assert line_of(run_for(console_login("ena-0001"), "2026-11-30").json, store_id)["period_net"] == 1_000
    # When the store cancels it on 12/10, after the value's last day (the value lapses instead of coming back)
    clock.set(at("2026-12-10T10:00:00"))
    cancel = merchant_login(city.terminal, "shopuser01").post(f"/api/transactions/{paid.json['number']}/cancel")
    assert cancel.status == 200 and cancel.json["lapsed"] == 1_000, cancel
    # Then the next payout takes the 1,000 back from the store once, not once for the cancel and again for the lapse
    clock.set(at("2026-12-16T09:00:00"))
    line = line_of(run_for(console_login("ena-0001"), "2026-12-15").json, store_id)
    assert line["period_net"] == -1_000, line["stores"]


def test_the_same_grant_key_with_another_amount_is_refused(committee: Client, programme: dict[str, Any]) -> None:
    body = {
        "programme_id": programme["programme_id"],
        "name": "全市民5,000円付与",
        "amount": 5_000,
        "idempotency_key": "grant-retry-0000000002",
    }
    assert committee.post("/api/admin/grants", body).status == 200
    # A key belongs to one press of 付与: the same key with another amount is not that grant again
    changed = committee.post("/api/admin/grants", body | {"amount": 50_000})
    assert changed.status == 409 and changed.code == "idempotency_key_reused", changed
    assert "同じ操作キー" in changed.json["error"]["message"], changed
    assert len(committee.get("/api/admin/grants").json["items"]) == 1
    # Without a key nothing starts (a console that sends none would double-grant on a retry)
    keyless = {k: v for k, v in body.items() if k != "idempotency_key"}
    assert committee.post("/api/admin/grants", keyless).status == 400
