"""Programmes, counter purchases, charge cancels, grants, expiry and the citizen wallet (issue 5)."""

from __future__ import annotations

from typing import Any

import pytest

from local.streams import Stream
from shoken import money
from shoken.clock import FrozenClock
from shoken.db import keys, transactions, wallets
from shoken.db.dynamo import Expr
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, wallet_login
from tests.support.client import Client
from tests.support.world import World

PROGRAMME = {
    "name": "令和8年 恵那市プレミアム付商品券",
    "unit_price": 10_000,
    "unit_value": 13_000,
    "common_share": 6_500,
    "dedicated_share": 6_500,
    "sale_start": "2026-11-01",
    "sale_end": "2026-12-31",
    "use_start": "2026-11-15",
    "use_end": "2027-04-30",
    "limit_units": 5,
}


@pytest.fixture
def committee(city: City) -> Client:
    return console_login("ena-0001")


@pytest.fixture
def programme(committee: Client) -> dict[str, Any]:
    reply = committee.post("/api/admin/programmes", PROGRAMME)
    assert reply.status == 200, reply
    return dict(reply.json)


def charge(client: Client, programme: dict[str, Any], key: str, **target: object) -> Any:
    body = {"programme_id": programme["programme_id"], "units": 1, "idempotency_key": key, **target}
    return client.post("/api/admin/charges", body)


def test_programme_rules_that_make_no_sense_are_refused(committee: Client, programme: dict[str, Any]) -> None:
    assert programme["premium_label"] == "10,000円で13,000円分"
    for broken, words in [
        ({"use_end": "2026-11-01"}, "利用期間の終了日が開始日より前"),
        ({"limit_units": 0}, "1以上"),
        ({"common_share": 5_000}, "合計が、1冊あたりの額面と一致しません"),
        ({"unit_value": 9_000, "common_share": 4_500, "dedicated_share": 4_500}, "額面は販売価格以上"),
        ({"sale_end": "2026-10-01"}, "販売期間の終了日"),
    ]:
        reply = committee.post("/api/admin/programmes", {**PROGRAMME, **broken})
        assert reply.status == 400, broken
        assert any(words in d["reason_ja"] for d in reply.json["error"]["details"]), reply.json
    assert console_login("ena-0002").post("/api/admin/programmes", PROGRAMME).status == 403


def test_counter_purchase_fills_buckets_once_and_respects_the_limit(
    committee: Client, programme: dict[str, Any], rt: Runtime
) -> None:
    citizen = wallet_login("hanako@example.jp")
    wallet_id = citizen.get("/api/auth/me").json["user_id"]

    first = charge(committee, programme, "key-0000000000000001", email="Hanako@example.jp")
    assert first.status == 200, first
    assert first.json["amount"] == 13_000 and first.json["price"] == 10_000 and first.json["balance_after"] == 13_000
    again = charge(committee, programme, "key-0000000000000001", email="Hanako@example.jp")
    assert again.json == first.json  # a retried click charges once
    other = charge(committee, programme, "key-0000000000000001", wallet_id=wallet_id)
    assert other.status == 409 and other.code == "idempotency_key_reused"

    wallet = wallets.get(rt.db, wallet_id)
    assert wallet is not None
    made = wallet.buckets
    assert sorted((b.voucher_type.value, b.kind.value, b.balance) for b in made) == [
        ("common", "bonus", 1_500),
        ("common", "prepaid", 5_000),
        ("dedicated", "bonus", 1_500),
        ("dedicated", "prepaid", 5_000),
    ]
    txn = transactions.get(rt.db, first.json["number"])
    assert (
        txn
        and txn.txn_type == "store_charge"
        and txn.item["breakdown"]
        == {"prepaid": 10_000, "bonus": 3_000, "grant": 0, "common": 6_500, "dedicated": 6_500}
    )

    for n in range(2, 6):
        assert charge(committee, programme, f"key-{n:016d}", wallet_id=wallet_id).status == 200
    over = charge(committee, programme, "key-0000000000000006", wallet_id=wallet_id)
    assert over.status == 409 and over.code == "purchase_limit_exceeded"
    assert citizen.get("/api/wallet/home").json["balance"] == 5 * 13_000


def test_purchase_is_refused_outside_the_sale_period_and_for_a_suspended_wallet(
    committee: Client, programme: dict[str, Any], clock: FrozenClock
) -> None:
    citizen = wallet_login("taro@example.jp")
    wallet_id = citizen.get("/api/auth/me").json["user_id"]
    committee.post(f"/api/admin/app-users/{wallet_id}/suspend")
    suspended = charge(committee, programme, "key-1000000000000001", wallet_id=wallet_id)
    assert suspended.status == 403 and suspended.code == "wallet_suspended"
    committee.post(f"/api/admin/app-users/{wallet_id}/resume")
    clock.advance(days=40)
    late = charge(console_login("ena-0001"), programme, "key-1000000000000002", wallet_id=wallet_id)
    assert late.code == "outside_sale_period"
    assert charge(console_login("ena-0001"), programme, "key-1000000000000003", wallet_id="999999999999").status == 404


def test_charge_cancel_only_while_nothing_is_spent(committee: Client, programme: dict[str, Any], rt: Runtime) -> None:
    citizen = wallet_login("hanako@example.jp")
    wallet_id = citizen.get("/api/auth/me").json["user_id"]
    bought = charge(committee, programme, "key-2000000000000001", wallet_id=wallet_id).json
    cancelled = committee.post(f"/api/admin/charges/{bought['number']}/cancel")
    assert cancelled.status == 200, cancelled
    assert citizen.get("/api/wallet/home").json["balance"] == 0
    assert committee.post(f"/api/admin/charges/{bought['number']}/cancel").code == "already_cancelled"
    original = transactions.get(rt.db, bought["number"])
    assert original and original.status == "cancelled"
    reversal = transactions.get(rt.db, cancelled.json["cancel_number"])
    assert reversal and reversal.txn_type == "charge_cancel" and reversal.amount == 13_000

    # The cancelled purchase no longer counts against the limit: five more units can be bought.
    for n in range(5):
        assert charge(committee, programme, f"key-30000000000000{n:02d}", wallet_id=wallet_id).status == 200
    spent = charge(committee, programme, "key-4000000000000001", wallet_id=wallet_id)
    assert spent.code == "purchase_limit_exceeded"
    replay = rt.db.get(keys.idempotency(f"console:{committee_user(committee)}", "key-3000000000000004"))
    assert replay is not None
    last = transactions.get(rt.db, replay["result"]["number"])
    assert last is not None
    bucket_id = next(iter(last.buckets))
    expr = Expr()
    rt.db.update(
        keys.wallet(wallet_id), f"SET {expr.path('buckets', bucket_id, 'balance')} = {expr.v(1)}", expr
    )  # as if partly spent
    refused = committee.post(f"/api/admin/charges/{last.number}/cancel")
    assert refused.status == 409 and refused.code == "charge_already_spent"


def committee_user(client: Client) -> str:
    return str(client.get("/api/auth/me").json["user_id"])


def test_bulk_grant_reaches_every_citizen_once(
    committee: Client, programme: dict[str, Any], rt: Runtime, stream: Stream, world: World, city: City
) -> None:
    citizens = [wallet_login(f"resident{n}@example.jp") for n in range(3)]
    ids = [c.get("/api/auth/me").json["user_id"] for c in citizens]
    world.wallet(city.other_committee, "elsewhere@example.jp")  # another city's resident gets nothing
    committee.post(f"/api/admin/app-users/{ids[2]}/suspend")
    job = committee.post(
        "/api/admin/grants",
        {
            "programme_id": programme["programme_id"],
            "name": "全市民5,000円付与",
            "amount": 5_000,
            "idempotency_key": "grant-all-000000001",
        },
    )
    assert job.status == 200, job
    stream.drain()
    grants = committee.get("/api/admin/grants").json["items"]
    assert grants[0]["state"] == "done" and "2人に付与しました" in grants[0]["message"], grants
    assert citizens[0].get("/api/wallet/home").json["common"] == 5_000
    history = citizens[0].get("/api/wallet/history").json["items"]
    assert history[0]["txn_type_label"] == "キャンペーン付与" and history[0]["campaign_name"] == "全市民5,000円付与"

    # Running the same grant again (e.g. after a failure) grants nobody twice.
    from workers import grant

    record = rt.db.get(keys.job(job.json["job_id"]))
    assert record is not None
    grant.run(rt, {**record, "checkpoint": None}, lambda: False)
    assert citizens[0].get("/api/wallet/home").json["common"] == 5_000
    rerun = rt.db.get(keys.job(job.json["job_id"]))  # and its report still counts whom the grant reached
    assert rerun is not None and "2人に付与しました" in rerun["message"] and "1人は利用停止中" in rerun["message"], (
        rerun
    )
    held = wallets.get(rt.db, ids[2])
    assert money.available(held.buckets if held else [], today="2026-11-29", large_store=False) == 0


def test_expired_value_lapses_once_as_transactions(
    committee: Client, rt: Runtime, stream: Stream, clock: FrozenClock
) -> None:
    short = {**PROGRAMME, "name": "短期事業", "sale_end": "2026-11-30", "use_end": "2026-12-10"}
    programme = committee.post("/api/admin/programmes", short).json
    citizen = wallet_login("hanako@example.jp")
    wallet_id = citizen.get("/api/auth/me").json["user_id"]
    charge(committee, programme, "key-5000000000000001", wallet_id=wallet_id)
    clock.set(clock.now().replace(month=12, day=11))
    from workers import schedule

    assert schedule.queue_lapses(rt, "2026-12-11") == [f"lapse-{programme['programme_id']}-2026-12-11"]
    assert schedule.queue_lapses(rt, "2026-12-11") == []  # the same day again queues nothing
    stream.drain()
    citizen = wallet_login("hanako@example.jp")  # twelve days later: a new session
    assert citizen.get("/api/wallet/home").json["balance"] == 0
    lapses = [t for t in citizen.get("/api/wallet/history").json["items"] if t["txn_type"] == "lapse"]
    assert [t["amount"] for t in lapses] == [-13_000]
    assert schedule.queue_lapses(rt, "2026-12-12") == []  # lapsed: not queued again
    from workers import lapse

    assert (
        lapse.lapse_wallet(rt, rt.db.get(keys.committee("1")) or {}, programme["programme_id"], wallet_id, "2026-12-12")
        == 0
    )


def test_wallet_home_qr_and_stores(
    committee: Client, programme: dict[str, Any], rt: Runtime, clock: FrozenClock
) -> None:
    citizen = wallet_login("hanako@example.jp")
    wallet_id = citizen.get("/api/auth/me").json["user_id"]
    charge(committee, programme, "key-6000000000000001", wallet_id=wallet_id)
    home = citizen.get("/api/wallet/home").json
    assert home["balance"] == 13_000 and home["common"] == home["dedicated"] == 6_500
    assert [(line["voucher_type_label"], line["expires_on"], line["balance"]) for line in home["lines"]] == [
        ("専用券", "2027-04-30", 6_500),
        ("共通券", "2027-04-30", 6_500),
    ]

    issued = citizen.post("/api/wallet/qr").json
    assert issued["token"].startswith(f"{wallet_id}.") and issued["image"].startswith("data:image/png;base64,")
    assert issued["valid_until"] - int(clock.now().timestamp()) == rt.config.qr_ttl_seconds <= 300
    assert str(wallet_id) not in issued["poll_id"] and len(issued["poll_id"]) == 64
    assert citizen.get(f"/api/wallet/qr/{issued['poll_id']}").json["state"] == "waiting"
    other = wallet_login("taro@example.jp")
    assert other.get(f"/api/wallet/qr/{issued['poll_id']}").status == 404
    clock.advance(seconds=rt.config.qr_ttl_seconds + 1)
    assert citizen.get(f"/api/wallet/qr/{issued['poll_id']}").json["state"] == "expired"

    stores = citizen.get("/api/wallet/stores").json
    names = {s["name"]: s["vouchers"] for s in stores["items"]}
    assert names == {"テスト店舗1": "共通券・専用券", "大型店": "共通券のみ", "テスト店舗2": "共通券・専用券"}
    assert citizen.get("/api/wallet/stores?name=大型").json["items"][0]["name"] == "大型店"


def test_qr_codes_are_throttled_and_refused_to_a_suspended_wallet(committee: Client) -> None:
    citizen = wallet_login("hanako@example.jp")
    wallet_id = citizen.get("/api/auth/me").json["user_id"]
    for _ in range(20):
        assert citizen.post("/api/wallet/qr").status == 200
    assert citizen.post("/api/wallet/qr").status == 429
    committee.post(f"/api/admin/app-users/{wallet_id}/suspend")
    assert citizen.post("/api/wallet/qr").status == 401  # suspension ended the session too


def test_unknown_people_are_named_as_unknown_not_as_granted_or_charged(
    committee: Client, programme: dict[str, Any], world: World, city: City
) -> None:
    """Issue 14.6: a grant to an ID nobody holds and a 店頭チャージ to an unregistered address say so."""
    known = wallet_login("resident@example.jp").get("/api/auth/me").json["user_id"]
    elsewhere = world.wallet(city.other_committee, "elsewhere@example.jp")["wallet_id"]
    body = {
        "programme_id": programme["programme_id"],
        "name": "個別付与",
        "amount": 500,
        "idempotency_key": "grant-one-0000000001",
    }
    refused = committee.post("/api/admin/grants", {**body, "wallet_ids": [known, "100000009999", elsewhere]})
    assert refused.status == 400 and "登録のないユーザIDが2件" in refused.json["error"]["message"], refused
    assert "100000009999" in refused.json["error"]["details"][0]["reason_ja"]
    assert committee.get("/api/admin/grants").json["items"] == []  # nothing queued
    assert committee.post("/api/admin/grants", {**body, "wallet_ids": [known]}).status == 200

    unknown = charge(committee, programme, "key-0000000000000099", email="nobody@example.jp")
    assert (
        unknown.status == 404
        and "このメールアドレスで登録されたアプリユーザはいません" in unknown.json["error"]["message"]
    )


def test_charge_cancel_after_the_value_lapsed_says_it_expired(
    committee: Client, programme: dict[str, Any], rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shoken.db.dynamo import Dynamo

    citizen = wallet_login("hanako@example.jp")
    wallet_id = citizen.get("/api/auth/me").json["user_id"]
    # Given a charge whose usage period ended yesterday (the lapse job has not run yet)
    first = charge(committee, programme, "key-5000000000000001", wallet_id=wallet_id).json
    record = transactions.get(rt.db, first["number"])
    assert record is not None
    for bucket_id in record.buckets:
        expr = Expr()
        rt.db.update(
            keys.wallet(wallet_id),
            f"SET {expr.path('buckets', bucket_id, 'expires_on')} = {expr.v('2026-11-28')}",
            expr,
        )
    # When it is cancelled, Then the answer says the value has expired, not that it was spent
    refused = committee.post(f"/api/admin/charges/{first['number']}/cancel")
    assert (refused.status, refused.code) == (409, "charge_lapsed"), refused
    assert "失効" in refused.json["error"]["message"]

    # Given another charge, whose buckets the lapse job removes between the cancel's check and its write
    second = charge(committee, programme, "key-5000000000000002", wallet_id=wallet_id).json
    bought = transactions.get(rt.db, second["number"])
    assert bought is not None
    taken = list(bought.buckets)
    real = Dynamo.transact

    def lapse_first(self: Dynamo, actions: list[dict[str, Any]], **kw: Any) -> None:
        if any(a.get("Update", {}).get("Key", {}).get("PK") == {"S": f"WALLET#{wallet_id}"} for a in actions):
            expr = Expr()
            rt.db.update(keys.wallet(wallet_id), "REMOVE " + ", ".join(expr.path("buckets", b) for b in taken), expr)
        real(self, actions, **kw)

    monkeypatch.setattr(Dynamo, "transact", lapse_first)
    raced = committee.post(f"/api/admin/charges/{second['number']}/cancel")
    assert (raced.status, raced.code) == (409, "charge_lapsed"), raced
    kept = transactions.get(rt.db, second["number"])
    assert kept is not None and kept.status == "done"  # nothing half-written
