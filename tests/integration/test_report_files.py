"""Every file the console hands out (history export, 集計, 精算, 基準日未使用残高) in CSV and XLSX:
safe to open in Excel, identifiers kept as text, named in Japan time (issue 12.4, issue 14.5)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import boto3
import openpyxl

from local.streams import Stream
from shoken.clock import jst_date
from shoken.db import transactions
from shoken.db.dynamo import Item
from shoken.runtime import Runtime
from tests.integration.conftest import City, Shop, console_login, key
from tests.integration.test_history_reports import record
from tests.support.world import World

HOSTILE_STORE = '=HYPERLINK("http://evil.example","x")'
HOSTILE_COMPANY = "@SUM(1+1)"


def hostile_ledger(world: World, city: City) -> list[Item]:
    """Payments at a store and company whose names are formulas, a campaign name starting with TAB
    and an external user ID starting with CR, all today (Japan time)."""
    company = world.company(city.committee, HOSTILE_COMPANY)
    store = world.store(company, name=HOSTILE_STORE)
    store = {**store, "company_name": HOSTILE_COMPANY}
    items = [
        record(
            world, city, n, store=store, days_ago=0, amount=100 * (n + 1), campaign_name="\t春", external_user_id="\rX"
        )
        for n in range(3)
    ]
    world.rt.db.batch_put(items)
    return items


def rows_of_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_history_export_in_csv_and_xlsx_keeps_data_and_runs_no_formula(
    city: City, world: World, stream: Stream, rt: Runtime
) -> None:
    ledger = hostile_ledger(world, city)
    committee = console_login("ena-0001")
    today = world.rt.clock.now() + timedelta(hours=9)
    window = {"date_from": today.strftime("%Y-%m-%d"), "date_to": today.strftime("%Y-%m-%d")}
    csv_job = committee.post("/api/exports", window).json
    xlsx_job = committee.post("/api/exports", {**window, "format": "xlsx"}).json
    assert committee.post("/api/exports", {**window, "format": "pdf"}).status == 400
    stream.drain()
    s3 = boto3.client("s3")

    # CSV: every formula-like start (=, @, TAB, CR) is quoted; the numbers are plain.
    body = s3.get_object(Bucket=rt.config.export_bucket, Key=f"exports/{csv_job['job_id']}.csv")["Body"].read()
    rows = rows_of_csv(body)
    header = rows[0]
    line = dict(zip(header, rows[1], strict=True))
    assert line["店舗名"] == "'" + HOSTILE_STORE and line["企業名"] == "'" + HOSTILE_COMPANY
    assert line["キャンペーン名"] == "'\t春" and line["外部ユーザID"] == "'\rX"
    assert {r[1] for r in rows[1:]} == {t["number"] for t in ledger}

    # XLSX: identifiers are text cells, amounts numbers, the names exactly as written.
    key = f"exports/{xlsx_job['job_id']}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(s3.get_object(Bucket=rt.config.export_bucket, Key=key)["Body"].read()))
    sheet = book["取引履歴"]
    titles = [c.value for c in sheet[1]]
    cells = [dict(zip(titles, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(ledger)
    first = cells[0]
    assert first["取引番号"].data_type == "s" and first["取引番号"].value in {t["number"] for t in ledger}
    assert first["企業ID"].data_type == "s" and first["企業ID"].value == ledger[0]["company_id"]
    assert first["取引金額"].data_type == "n" and first["店舗名"].value == HOSTILE_STORE
    assert sorted(c["取引金額"].value for c in cells) == [100, 200, 300]

    # The link names the file in Japan time with its own extension and type.
    link = committee.post(f"/api/exports/{xlsx_job['job_id']}/link").json
    stamp = (rt.clock.now() + timedelta(hours=9)).strftime("%Y%m%d")
    assert link["filename"].startswith(f"history_{stamp}_") and link["filename"].endswith(".xlsx")
    labels = sorted(i["label"].rsplit(" ", 1)[1] for i in committee.get("/api/exports").json["items"])
    assert labels == ["(CSV)", "(Excel)"]


def test_every_report_comes_as_csv_and_xlsx_with_names_kept_safe(city: City, world: World, stream: Stream) -> None:
    hostile_ledger(world, city)
    stream.drain()
    committee = console_login("ena-0001")
    day = (world.rt.clock.now() + timedelta(hours=9)).strftime("%Y-%m-%d")
    period = f"date_from={day}&date_to={day}"
    compact = day.replace("-", "")

    settlement = committee.get(f"/api/reports/settlement.csv?{period}")
    assert settlement.headers["content-type"].startswith("text/csv")
    assert f'filename="settlement_{compact}_{compact}.csv"' in settlement.headers["content-disposition"]
    rows = rows_of_csv(settlement.body)
    assert len(set(rows[0])) == len(rows[0])  # no repeated column names
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["店舗名"] == "'" + HOSTILE_STORE and line["企業名"] == "'" + HOSTILE_COMPANY
    assert line["精算期間"] == f"{day.replace('-', '/')}～{day.replace('-', '/')}"
    assert line["決済件数"] == "3" and line["精算額"] == "600"

    book = openpyxl.load_workbook(io.BytesIO(committee.get(f"/api/reports/settlement.xlsx?{period}").body))
    sheet = book.active
    titles = [c.value for c in sheet[1]]
    cells = dict(zip(titles, sheet[2], strict=True))
    assert cells["店舗名"].value == HOSTILE_STORE and cells["店舗名"].data_type == "s"
    assert cells["企業ID"].data_type == "s" and cells["決済額"].value == 600

    for group in ("day", "store", "company", "voucher_type"):
        reply = committee.get(f"/api/reports/totals.csv?{period}&group={group}")
        assert reply.status == 200 and f"totals_{group}_" in reply.headers["content-disposition"]
        rows = rows_of_csv(reply.body)
        assert "決済件数" in rows[0] and len(rows) >= 2
        xlsx = openpyxl.load_workbook(
            io.BytesIO(committee.get(f"/api/reports/totals.xlsx?{period}&group={group}").body)
        )
        assert xlsx.active.max_row == len(rows)
    store_rows = rows_of_csv(committee.get(f"/api/reports/totals.csv?{period}&group=store").body)
    assert any(r[1] == "'" + HOSTILE_STORE for r in store_rows[1:])

    unused = committee.get(f"/api/reports/unused.csv?on={day}")
    assert unused.status == 200 and f"unused_{compact}.csv" in unused.headers["content-disposition"]
    assert rows_of_csv(unused.body)[-1][2] == "合計"
    assert (
        committee.get(f"/api/reports/unused.xlsx?on={day}")
        .headers["content-type"]
        .startswith("application/vnd.openxmlformats")
    )
    future = committee.get("/api/reports/unused?on=2099-03-31")
    assert future.status == 400 and "未来の日付" in future.json["error"]["message"]
    # the reports stay the committee's: a company admin cannot take the file either
    assert console_login("ena-0002").get(f"/api/reports/settlement.xlsx?{period}").status == 403


def test_every_grouping_counts_the_payments_and_cancels_it_shows(shop: Shop, stream: Stream, rt: Runtime) -> None:
    """集計 by 日別/店舗別/企業別/券種別: 決済件数 and 取消件数 are the transactions of that row (issue 14.7)."""
    tills = ((300, shop.till), (7_000, shop.till), (200, shop.large_till), (400, shop.till))
    paid = [shop.pay(amount, till) for amount, till in tills]
    assert shop.till.post(f"/api/transactions/{paid[0]['number']}/cancel").status == 200
    stream.drain()
    day = jst_date(rt.clock.now())
    every = [
        t for t in transactions.of_committee_day(rt.db, "1", day) if t["txn_type"] in ("payment", "payment_cancel")
    ]
    assert len(every) == 5
    committee = console_login("ena-0001")
    keyed: dict[str, Callable[[Item], list[str]]] = {
        "day": lambda t: [day],
        "store": lambda t: [str(t["store_id"])],
        "company": lambda t: [str(t["company_id"])],
        "voucher_type": lambda t: [v for v in ("common", "dedicated") if int(t["breakdown"][v])],
    }
    for group, keys_of in keyed.items():
        rows = committee.get(f"/api/reports/totals?date_from={day}&date_to={day}&group={group}").json["rows"]
        for kind, field in (("payment", "payment_count"), ("payment_cancel", "cancel_count")):
            expected: dict[str, int] = {}
            for t in every:
                if t["txn_type"] == kind:
                    for k in keys_of(t):
                        expected[k] = expected.get(k, 0) + 1
            assert {r["key"]: r[field] for r in rows if r[field]} == expected, (group, kind, rows)
    # the 7,000 yen payment used both types: it counts once under each
    by_type = committee.get(f"/api/reports/totals?date_from={day}&date_to={day}&group=voucher_type").json["rows"]
    assert sum(r["payment_count"] for r in by_type) > 4


def test_the_merchant_daily_total_is_its_own_stores_day(shop: Shop, stream: Stream, rt: Runtime) -> None:
    """日計 (issue 14.8): count and amount of the day's payments and cancels, for this store only."""
    paid = [
        shop.till.post("/api/payments", {"token": shop.token(), "amount": a, "idempotency_key": key()}).json
        for a in (300, 450, 1200)
    ]
    shop.large_till.post("/api/payments", {"token": shop.token(), "amount": 999, "idempotency_key": key()})
    assert shop.till.post(f"/api/transactions/{paid[1]['number']}/cancel").status == 200
    stream.drain()
    day = jst_date(rt.clock.now())
    daily = shop.till.get(f"/api/merchant/daily?date={day}")
    assert daily.status == 200, daily
    assert {k: daily.json[k] for k in ("payment_count", "payment_amount", "cancel_count", "cancel_amount", "net")} == {
        "payment_count": 3,
        "payment_amount": 1950,
        "cancel_count": 1,
        "cancel_amount": 450,
        "net": 1500,
    }
    assert shop.large_till.get(f"/api/merchant/daily?date={day}").json["payment_amount"] == 999
    assert shop.till.get("/api/merchant/daily?date=2026-13-40").status == 400
    assert console_login("ena-0001").get(f"/api/merchant/daily?date={day}").status == 403
