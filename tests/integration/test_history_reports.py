"""取引履歴一覧 / 詳細, ダウンロード予約 → ファイルダウンロード and 集計 (issue 7)."""

from __future__ import annotations

import csv
import io
import random
from datetime import timedelta
from typing import Any

import boto3
import pytest

from local.streams import Stream
from shoken import money
from shoken.clock import FrozenClock, jst_date
from shoken.db import transactions
from shoken.db.dynamo import Item
from shoken.runtime import Runtime
from shoken.txn_types import TxnType
from tests.integration.conftest import City, Shop, console_login, key, merchant_login
from tests.support.client import Client
from tests.support.world import World


def record(
    world: World,
    city: City,
    n: int,
    *,
    store: Item,
    days_ago: int,
    txn_type: TxnType = TxnType.PAYMENT,
    amount: int = 100,
    **extra: Any,
) -> Item:
    at = world.rt.clock.now() - timedelta(days=days_ago, minutes=n)
    return transactions.item(
        f"{jst_date(at).replace('-', '')[2:]}{n:012d}",
        txn_type=txn_type,
        at=at,
        amount=amount,
        committee=city.committee,
        wallet_id=extra.pop("wallet_id", "100000000001"),
        buckets={"b": amount},
        breakdown={"prepaid": amount, "bonus": 0, "grant": 0, "common": amount, "dedicated": 0},
        bucket_info={"b": ["prepaid", "common", "P1"]},
        store={**store, "company_name": store.get("company_name")},
        terminal_id=extra.pop("terminal_id", None),
        **extra,
    )


@pytest.fixture
def ledger(world: World, city: City) -> list[Item]:
    """70 transactions: 40 at store 1 (terminal 1), 20 at store 2, 10 at the large store, over 70 days."""
    items = [
        record(world, city, n, store=city.store, days_ago=n, terminal_id=city.terminal["terminal_id"])
        for n in range(40)
    ]
    items += [
        record(
            world,
            city,
            100 + n,
            store=city.other_store,
            days_ago=n,
            txn_type=TxnType.PAYMENT if n % 2 else TxnType.PAYMENT_CANCEL,
            campaign_name="春の" if n == 3 else None,
        )
        for n in range(20)
    ]
    items += [
        record(
            world, city, 200 + n, store=city.large_store, days_ago=n, wallet_id="100000000009", external_user_id="EXT-9"
        )
        for n in range(10)
    ]
    world.rt.db.batch_put(items)
    return items


def numbers(reply: Any) -> set[str]:
    assert reply.status == 200, reply
    return {row["number"] for row in reply.json["items"]}


def everything(client: Client, query: str) -> tuple[set[str], list[str]]:
    found: set[str] = set()
    indexes = []
    cursor = ""
    while True:
        reply = client.get(f"/api/history?{query}&page_size=7{cursor}")
        assert reply.status == 200, reply
        found |= {row["number"] for row in reply.json["items"]}
        indexes.append(reply.json["index"])
        if not reply.json["next_cursor"]:
            return found, indexes
        cursor = f"&cursor={reply.json['next_cursor']}"


def test_filters_choose_an_index_and_paging_returns_each_row_once(city: City, ledger: list[Item]) -> None:
    committee = console_login("ena-0001")
    window = "date_from=2026-10-01&date_to=2026-11-29"
    all_in_window = {t["number"] for t in ledger if t["occurred_at"] >= "2026-09-30T15:00:00"}
    found, indexes = everything(committee, window)
    assert found == all_in_window and set(indexes) == {"by_committee"}
    store_rows, indexes = everything(committee, f"{window}&store=テスト店舗1")
    assert store_rows == {
        t["number"] for t in ledger if t.get("store_id") == city.store["store_id"] and t["number"] in all_in_window
    } and set(indexes) == {"by_store"}
    by_terminal, indexes = everything(committee, f"{window}&terminal_id={city.terminal['terminal_id']}")
    assert by_terminal == store_rows and set(indexes) == {"by_terminal"}
    by_user, indexes = everything(committee, f"{window}&user_id=100000000009")
    assert len(by_user) == 10 and set(indexes) == {"by_wallet"}
    assert numbers(committee.get(f"/api/history?{window}&external_user_id=EXT-9&page_size=50")) == by_user
    cancels = numbers(committee.get(f"/api/history?{window}&types=payment_cancel&page_size=50"))
    assert len(cancels) == 10 and all(t["txn_type"] == "payment_cancel" for t in ledger if t["number"] in cancels)
    assert len(numbers(committee.get(f"/api/history?{window}&campaign_name=春&page_size=50"))) == 1
    company = numbers(committee.get(f"/api/history?{window}&company={city.other_company['company_id']}&page_size=50"))
    assert company == {
        t["number"]
        for t in ledger
        if t.get("company_id") == city.other_company["company_id"] and t["number"] in all_in_window
    }


def test_a_transaction_number_is_found_whatever_the_dates_but_only_in_scope(city: City, ledger: list[Item]) -> None:
    old = ledger[39]  # 39 days ago at store 1
    committee = console_login("ena-0001")
    assert numbers(committee.get(f"/api/history?number={old['number']}&date_from=2020-01-01&date_to=2020-01-02")) == {
        old["number"]
    }
    other_company = console_login("ena-0009")
    assert numbers(other_company.get(f"/api/history?number={old['number']}")) == set()
    assert other_company.get(f"/api/history/{old['number']}").status == 404
    detail = committee.get(f"/api/history/{old['number']}").json
    assert (
        detail["store_name"] == "テスト店舗1" and detail["cancellable"] is True and detail["txn_type_label"] == "決済"
    )


def test_each_role_sees_only_its_scope(city: City, ledger: list[Item]) -> None:
    window = "date_from=2026-10-01&date_to=2026-11-29&page_size=200"
    store_one = {
        t["number"]
        for t in ledger
        if t.get("store_id") == city.store["store_id"] and t["occurred_at"] >= "2026-09-30T15:00:00"
    }
    till = merchant_login(city.terminal, "shopuser01")
    assert numbers(till.get(f"/api/history?{window}")) == store_one
    assert numbers(till.get(f"/api/history?{window}&store=大型店")) == store_one  # its own store, whatever it asks
    company_admin = console_login("ena-0002")
    mine = numbers(company_admin.get(f"/api/history?{window}"))
    assert mine == {
        t["number"]
        for t in ledger
        if t.get("company_id") == city.company["company_id"] and t["occurred_at"] >= "2026-09-30T15:00:00"
    }
    assert (
        numbers(company_admin.get(f"/api/history?{window}&user_id=100000000009")) == set()
    )  # that user only shopped elsewhere
    assert numbers(console_login("oth-0001").get(f"/api/history?{window}")) == set()


def test_the_date_range_is_at_most_60_days(city: City) -> None:
    committee = console_login("ena-0001")
    too_long = committee.get("/api/history?date_from=2026-09-01&date_to=2026-11-29")
    assert (
        too_long.status == 400 and too_long.code == "range_too_long" and "60日間" in too_long.json["error"]["message"]
    )
    assert committee.get("/api/history?date_from=2026-10-01&date_to=2026-11-29").status == 200  # 60 calendar days
    assert committee.get("/api/history?date_from=2026-09-30&date_to=2026-11-29").code == "range_too_long"  # 61
    assert committee.get("/api/history?date_from=2026-11-29&date_to=2026-11-01").status == 400
    assert committee.get("/api/history?date_from=2026-13-01").status == 400
    assert committee.get("/api/history?types=not_a_type").status == 400


def test_export_of_more_rows_than_a_page_is_a_csv_excel_opens(
    city: City, ledger: list[Item], stream: Stream, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers import export

    monkeypatch.setattr(export, "PAGE", 9)  # several pages (and S3 parts would follow the same path)
    committee = console_login("ena-0001")
    reserved = committee.post("/api/exports", {"date_from": "2026-10-01", "date_to": "2026-11-29"})
    assert reserved.status == 200 and reserved.json["state_label"] == "待機中"
    stream.drain()
    files = committee.get("/api/exports").json["items"]
    expected = {t["number"] for t in ledger if t["occurred_at"] >= "2026-09-30T15:00:00"}
    assert files[0]["state_label"] == "完了" and files[0]["rows"] == len(expected) > 50 and files[0]["progress"] == 100
    link = committee.post(f"/api/exports/{files[0]['job_id']}/link").json
    assert "/_local/s3/" in link["url"] and link["expires_in"] == 300
    body = (
        boto3.client("s3")
        .get_object(Bucket=rt.config.export_bucket, Key=f"exports/{files[0]['job_id']}.csv")["Body"]
        .read()
    )  # type: ignore[attr-defined]
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["取引日時", "取引番号", "取引状態", "取引区分"] and len(rows) == len(expected) + 1
    assert {r[1] for r in rows[1:]} == expected
    assert (
        console_login("ena-0002").post(f"/api/exports/{files[0]['job_id']}/link").status == 404
    )  # someone else's file
    too_long = committee.post("/api/exports", {"date_from": "2026-01-01", "date_to": "2026-11-29"})
    assert too_long.code == "range_too_long"


def test_large_exports_are_written_in_parts_across_laps(
    city: City, ledger: list[Item], stream: Stream, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts are cut at page ends and a lap may end after any part; the file comes out whole."""
    import moto.s3.models

    from workers import export
    from workers import jobs as runners

    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1024)  # S3's 5 MiB, scaled down
    monkeypatch.setattr(export, "PART_BYTES", 1024)
    monkeypatch.setattr(export, "PAGE", 5)
    laps = {"n": 0}

    def pausing(rt: Runtime, job: dict[str, Any], should_pause: Any) -> None:
        def after_every_part() -> bool:
            laps["n"] += 1
            return True

        export.run(rt, job, after_every_part)

    monkeypatch.setattr(runners, "runners", lambda: {"export": pausing})
    committee = console_login("ena-0001")
    job_id = committee.post("/api/exports", {"date_from": "2026-10-01", "date_to": "2026-11-29"}).json["job_id"]
    stream.drain(rounds=200)
    finished = committee.get("/api/exports").json["items"][0]
    assert finished["state"] == "done" and laps["n"] >= 5, (finished, laps)
    body = boto3.client("s3").get_object(Bucket=rt.config.export_bucket, Key=f"exports/{job_id}.csv")["Body"].read()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) - 1 == finished["rows"] == len({r[1] for r in rows[1:]}) == len(ledger)


def test_settlement_and_unused_balance_agree_with_the_transactions(
    shop: Shop, rt: Runtime, stream: Stream, clock: FrozenClock, world: World
) -> None:
    rng = random.Random(7)
    second_wallet = world.wallet(
        shop.city.committee,
        "taro@example.jp",
        buckets=money.purchase_buckets(
            money.ProgrammeTerms(
                "P1",
                10_000,
                {money.VoucherType.COMMON: 6_500, money.VoucherType.DEDICATED: 6_500},
                "2026-11-01",
                "2027-04-30",
            ),
            2,
            source="261101000000000002",
            created_at="x",
        ),
    )
    from tests.integration.conftest import wallet_login

    taro = wallet_login("taro@example.jp")
    paid: list[dict[str, Any]] = []
    for n in range(24):
        citizen, till = (shop.citizen, shop.till) if n % 2 else (taro, shop.large_till)
        reply = (
            shop.till.post(
                "/api/payments",
                {
                    "token": citizen.post("/api/wallet/qr").json["token"],
                    "amount": rng.choice([100, 250, 700, 1200]),
                    "idempotency_key": key(),
                },
            )
            if till is shop.till
            else till.post(
                "/api/payments",
                {
                    "token": citizen.post("/api/wallet/qr").json["token"],
                    "amount": rng.choice([100, 250, 700]),
                    "idempotency_key": key(),
                },
            )
        )
        if reply.status == 200:
            paid.append(reply.json)
    for receipt in rng.sample(paid, 6):
        canceller = shop.till if receipt["store_id"] == shop.city.store["store_id"] else console_login("ena-0001")
        assert canceller.post(f"/api/transactions/{receipt['number']}/cancel").status == 200
    stream.drain()

    committee = console_login("ena-0001")
    every = list(transactions.of_committee_day(rt.db, "1", "2026-11-29"))
    settlement = committee.get("/api/reports/settlement?date_from=2026-11-29&date_to=2026-11-29").json["rows"]
    for row in settlement:
        mine = [t for t in every if t.get("store_id") == row["store_id"]]
        assert row["payment_amount"] == sum(t["amount"] for t in mine if t["txn_type"] == "payment")
        assert row["cancel_amount"] == sum(t["amount"] for t in mine if t["txn_type"] == "payment_cancel")
        assert row["net_dedicated"] == sum(
            t["breakdown"]["dedicated"] * (1 if t["txn_type"] == "payment" else -1)
            for t in mine
            if t["txn_type"] in ("payment", "payment_cancel")
        )
        assert row["payment_count"] == sum(1 for t in mine if t["txn_type"] == "payment")
    assert {r["store_id"] for r in settlement} == {shop.city.store["store_id"], shop.city.large_store["store_id"]}
    csv_reply = committee.get("/api/reports/settlement.csv?date_from=2026-11-29&date_to=2026-11-29")
    assert csv_reply.status == 200 and "attachment" in csv_reply.headers["content-disposition"]
    assert csv_reply.body.decode("utf-8-sig").splitlines()[0].startswith("精算期間,企業ID")

    totals = committee.get("/api/reports/totals?date_from=2026-11-29&date_to=2026-11-29&group=voucher_type").json[
        "rows"
    ]
    spent = {r["key"]: r["payments"] - r["cancels"] for r in totals}
    assert spent["common"] + spent["dedicated"] == sum(
        t["amount"] * (1 if t["txn_type"] == "payment" else -1)
        for t in every
        if t["txn_type"] in ("payment", "payment_cancel")
    )

    # 基準日未使用残高 equals what the wallets hold (both bought before the first day the consumer saw).
    held = sum(shop.balance(rt).values()) + sum(
        b.balance for b in money.buckets_of(rt.db.get(("WALLET#" + second_wallet["wallet_id"], "WALLET")) or {})
    )
    unused = committee.get("/api/reports/unused?on=2026-11-29").json
    issued = 13_000 + 26_000
    assert (
        unused["total"] == held - issued
    )  # the totals only saw today's changes: the opening balance was seeded directly
