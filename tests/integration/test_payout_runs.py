"""精算確定: calendar, runs frozen once, cancels after the freeze in the next period, fee, states, scope,
and the 全銀協 総合振込 file read back by the published layout (issue 17)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shoken import bank
from shoken.clock import FrozenClock
from shoken.db import payouts as payout_items
from shoken.db.dynamo import TransactionFailed
from shoken.payout_calendar import CalendarSettings, pay_date, periods_from
from shoken.runtime import Runtime
from tests.integration.conftest import City, Shop, console_login
from tests.integration.test_payments import pay
from tests.support.client import Client
from tests.support.races import race

ACCOUNT = {"bank_code": "0001", "branch_code": "001", "account_type": "ordinary", "holder_name": "ﾃｽﾄﾃﾝﾎﾟ"}
SETTINGS = {
    "consignor_code": "1234567890",
    "consignor_name": "えなししょうひんけんじぎょうじっこういいんかい",
    "bank_code": "0005",
    "branch_code": "001",
    "account_type": "current",
    "account_number": "0012345",
}


def at(text: str) -> datetime:
    """A JST wall-clock time as the frozen clock's UTC instant."""
    return datetime.fromisoformat(text + "+09:00").astimezone(UTC)


def run_for(client: Client, end: str) -> Any:
    return client.post("/api/admin/payout-runs", {"programme_id": "P1", "period_end": end})


def line_of(run: dict[str, Any], payee_id: str) -> dict[str, Any]:
    return next(x for x in run["lines"] if x["payee_id"] == payee_id)


@pytest.fixture
def paid(shop: Shop, city: City) -> dict[str, str]:
    """On 11/29: 3,000 at テスト店舗1 (専用券 first), 1,000 at テスト店舗2, 2,000 at the large store (共通券)."""
    first = pay(shop.till, shop.token(), 3_000).json["number"]
    pay(shop.till, shop.token(), 1_000)  # same store: two payments
    big = pay(shop.large_till, shop.token(), 2_000).json["number"]
    company_admin = console_login("ena-0002")
    company_admin.put(
        f"/api/admin/stores/{city.store['store_id']}/payout-account", {**ACCOUNT, "account_number": "1111111"}
    )
    committee = console_login("ena-0001")
    committee.put("/api/admin/committees/1/payout-settings", SETTINGS)
    return {"first": first, "big": big}


def test_calendar_skips_weekends_holidays_and_the_year_end(city: City) -> None:
    settings = CalendarSettings(cutoff_days=[15, 31], pay_after_days=5)
    got = [(str(p.start), str(p.end), str(p.pay_date)) for p in periods_from(settings, date(2026, 12, 1), 3)]
    assert got == [
        ("2026-12-01", "2026-12-15", "2026-12-22"),
        ("2026-12-16", "2026-12-31", "2027-01-08"),  # 1/1-1/3 closed, then 5 days from 1/4
        ("2027-01-01", "2027-01-15", "2027-01-22"),
    ]
    assert pay_date(date(2027, 4, 30), 3) == date(2027, 5, 10)  # Golden Week (5/3-5/5) and a weekend
    assert pay_date(date(2027, 2, 28), 1) == date(2027, 3, 1)  # 末日 of February
    with pytest.raises(ValueError, match="締め日"):
        CalendarSettings(cutoff_days=[0])


def test_console_shows_the_next_periods_and_only_the_committee_sets_them(shop: Shop) -> None:
    committee = console_login("ena-0001")
    shown = committee.get("/api/admin/programmes/P1/payout-calendar").json
    assert shown["cutoff_labels"] == ["15日", "末日"] and shown["fee_bps"] == 0 and shown["fee_label"] == "なし (0%)"
    assert [p["end"] for p in shown["periods"]][:3] == ["2026-11-30", "2026-12-15", "2026-12-31"]
    assert shown["periods"][0]["pay_date"] == "2026-12-07" and shown["periods"][0]["closed"] is False
    changed = committee.put(
        "/api/admin/programmes/P1/payout-calendar", {"cutoff_days": [10, 20, 31], "pay_after_days": 3, "fee_bps": 150}
    )
    assert changed.status == 200 and changed.json["cutoff_labels"] == ["10日", "20日", "末日"]
    assert changed.json["fee_label"] == "1.5% (円未満切り捨て)"
    assert committee.put("/api/admin/programmes/P1/payout-calendar", {"cutoff_days": [32]}).status == 400
    assert (
        console_login("ena-0002").put("/api/admin/programmes/P1/payout-calendar", {"cutoff_days": [15]}).status == 403
    )


def test_a_run_freezes_once_and_a_later_cancel_counts_in_the_next_period(
    shop: Shop, city: City, paid: dict[str, str], clock: FrozenClock
) -> None:
    committee = console_login("ena-0001")
    # A day that is not a cut-off, and a period not yet over, are refused
    assert run_for(committee, "2026-11-29").code == "payout_not_cutoff"
    assert run_for(committee, "2026-11-30").code == "payout_period_open"
    # When the period is over, the committee confirms it
    clock.set(at("2026-12-01T09:00:00"))
    committee = console_login("ena-0001")
    run = run_for(committee, "2026-11-30")
    assert run.status == 200, run
    assert run.json["created"] is True and run.json["state_label"] == "作成済み"
    assert (run.json["period_start"], run.json["pay_date"]) == ("2026-11-19", "2026-12-07")
    store = line_of(run.json, city.store["store_id"])
    assert store["period_net"] == 4_000 and store["transfer"] == 4_000 and store["fee"] == 0
    assert {(s["voucher_type"], s["payment_count"], s["payment_amount"]) for s in store["stores"]} == {
        ("dedicated", 2, 4_000)
    }
    big = line_of(run.json, city.large_store["store_id"])
    assert big["status"] == "no_account" and big["transfer"] == 0 and big["carry_out"] == 2_000
    assert run.json["missing"] == [{"payee_id": city.large_store["store_id"], "payee_name": "大型店", "amount": 2_000}]
    assert (run.json["transfer_count"], run.json["transfer_total"]) == (1, 4_000)
    # Confirming again returns the same run
    again = run_for(committee, "2026-11-30")
    assert again.json["run_id"] == run.json["run_id"] and again.json["created"] is False

    # When the 11/29 payment is cancelled after the freeze, the frozen run does not change
    clock.set(at("2026-12-02T10:00:00"))
    committee = console_login("ena-0001")
    assert committee.post(f"/api/transactions/{paid['first']}/cancel").status == 200
    frozen = committee.get(f"/api/admin/payout-runs/{run.json['run_id']}").json
    assert line_of(frozen, city.store["store_id"])["transfer"] == 4_000
    # The large store registers its account; the committee sets a fee of 1.5 %
    console_login("ena-0009").put(
        f"/api/admin/stores/{city.large_store['store_id']}/payout-account", {**ACCOUNT, "account_number": "2222222"}
    )
    committee.put(
        "/api/admin/programmes/P1/payout-calendar", {"cutoff_days": [15, 31], "pay_after_days": 5, "fee_bps": 150}
    )
    # Then the next period counts the cancel, and pays what was carried, less the fee (rounded down)
    clock.set(at("2026-12-16T09:00:00"))
    committee = console_login("ena-0001")
    second = run_for(committee, "2026-12-15").json
    assert second["period_start"] == "2026-12-01"
    store = line_of(second, city.store["store_id"])
    assert (store["period_net"], store["status"], store["carry_out"]) == (-3_000, "not_positive", -3_000)
    assert store["stores"][0]["cancel_count"] == 1 and store["stores"][0]["cancel_amount"] == 3_000
    big = line_of(second, city.large_store["store_id"])
    assert (big["carry_in"], big["gross"], big["fee"], big["transfer"]) == (2_000, 2_000, 30, 1_970)


def test_confirming_at_the_same_moment_makes_one_run(shop: Shop, paid: dict[str, str], clock: FrozenClock) -> None:
    clock.set(at("2026-12-01T09:00:00"))
    admin = console_login("ena-0001")
    clients = [Client("admin", cookies=dict(admin.cookies), csrf=admin.csrf) for _ in range(4)]
    replies = race(lambda n: run_for(clients[n % 4], "2026-11-30"))
    assert all(r.status == 200 for r in replies), replies
    assert len({r.json["run_id"] for r in replies}) == 1
    assert sum(r.json["created"] for r in replies) == 1
    assert len(admin.get("/api/admin/payout-runs").json["items"]) == 1


def test_bad_periods_no_payees_and_who_may_confirm(shop: Shop, paid: dict[str, str], clock: FrozenClock) -> None:
    clock.set(at("2026-12-01T09:00:00"))
    assert (
        console_login("ena-0002")
        .post("/api/admin/payout-runs", {"programme_id": "P1", "period_end": "2026-11-30"})
        .status
        == 403
    )
    committee = console_login("ena-0001")
    assert run_for(committee, "2026-11-30").status == 200
    # A calendar change that would make a period overlapping the frozen one is refused
    committee.put("/api/admin/programmes/P1/payout-calendar", {"cutoff_days": [25]})
    overlap = run_for(committee, "2026-11-25")
    assert overlap.code == "payout_period_overlap" and "2026-11-19" in overlap.json["error"]["message"]
    committee.put("/api/admin/programmes/P1/payout-calendar", {"cutoff_days": [15, 31]})
    # A period with nothing to pay makes no run (the large store's carried amount still waits: no account)
    clock.set(at("2026-12-16T09:00:00"))
    committee = console_login("ena-0001")
    second = run_for(committee, "2026-12-15")
    assert second.status == 200 and second.json["transfer_count"] == 0  # only the carried, unpayable amount
    assert committee.get(f"/api/admin/payout-runs/{second.json['run_id']}/zengin").code == "payout_no_payees"
    assert committee.post("/api/admin/payout-runs", {"programme_id": "NOPE", "period_end": "2026-12-15"}).status == 404


def test_a_period_with_no_transactions_and_nothing_carried_has_no_payees(shop: Shop, clock: FrozenClock) -> None:
    clock.set(at("2026-12-01T09:00:00"))
    reply = run_for(console_login("ena-0001"), "2026-11-30")
    assert reply.code == "payout_no_payees" and reply.json["error"]["message"]


def test_states_paid_with_a_date_or_cancelled_before_paid_only(
    shop: Shop, city: City, paid: dict[str, str], clock: FrozenClock
) -> None:
    clock.set(at("2026-12-08T09:00:00"))
    committee = console_login("ena-0001")
    first = run_for(committee, "2026-11-30").json
    # 取消 opens the period again; a new run of it can be confirmed
    cancelled = committee.post(f"/api/admin/payout-runs/{first['run_id']}/cancel")
    assert cancelled.status == 200 and cancelled.json["state_label"] == "取消"
    assert committee.get(f"/api/admin/payout-runs/{first['run_id']}/zengin").code == "payout_state"
    rerun = run_for(committee, "2026-11-30").json
    assert rerun["run_id"] != first["run_id"] and rerun["created"] is True
    # 振込済み needs a date after the cut-off and not in the future; then it can no longer be cancelled
    assert committee.post(f"/api/admin/payout-runs/{rerun['run_id']}/paid", {"paid_on": "2026-12-09"}).status == 400
    marked = committee.post(f"/api/admin/payout-runs/{rerun['run_id']}/paid", {"paid_on": "2026-12-07"})
    assert marked.status == 200 and marked.json["state_label"] == "振込済み" and marked.json["paid_on"] == "2026-12-07"
    assert committee.post(f"/api/admin/payout-runs/{rerun['run_id']}/cancel").code == "payout_state"
    assert (
        committee.post(f"/api/admin/payout-runs/{rerun['run_id']}/paid", {"paid_on": "2026-12-07"}).code
        == "payout_state"
    )
    actions = [
        e["action"] for e in committee.get("/api/admin/audit?date_from=2026-12-08&date_to=2026-12-08").json["items"]
    ]
    assert {"payout_run_confirmed", "payout_run_cancelled", "payout_run_paid"} <= set(actions)


def test_companies_see_only_their_own_lines(shop: Shop, city: City, paid: dict[str, str], clock: FrozenClock) -> None:
    clock.set(at("2026-12-01T09:00:00"))
    run = run_for(console_login("ena-0001"), "2026-11-30").json
    mine = console_login("ena-0002")
    listed = mine.get("/api/admin/payout-runs").json["items"]
    assert [r["run_id"] for r in listed] == [run["run_id"]]
    seen = mine.get(f"/api/admin/payout-runs/{run['run_id']}").json
    assert {x["company_id"] for x in seen["lines"]} == {city.company["company_id"]}
    assert seen["lines"][0]["account_masked"] == "普通 ****111"
    # and the counts, totals and payees without an account are its own, not the other company's
    own = {
        "payee_count": len(seen["lines"]),
        "transfer_total": sum(x["transfer"] for x in seen["lines"]),
        "missing": [],
    }
    assert run["missing"] and run["payee_count"] > own["payee_count"]
    assert {k: seen[k] for k in own} == own == {k: listed[0][k] for k in own}
    assert mine.get(f"/api/admin/payout-runs/{run['run_id']}/zengin").status == 403
    assert mine.post(f"/api/admin/payout-runs/{run['run_id']}/paid", {"paid_on": "2026-12-01"}).status == 403


# --- the file, read back by the published 総合振込 layout ------------------------------------------------
HEADER = [("データ区分", 1), ("種別コード", 2), ("コード区分", 1), ("委託者コード", 10), ("委託者名", 40), ("振込指定日", 4),
          ("仕向銀行番号", 4), ("仕向銀行名", 15), ("仕向支店番号", 3), ("仕向支店名", 15), ("預金種目", 1), ("口座番号", 7), ("ダミー", 17)]  # fmt: skip
DATA = [("データ区分", 1), ("被仕向銀行番号", 4), ("被仕向銀行名", 15), ("被仕向支店番号", 3), ("被仕向支店名", 15),
        ("手形交換所番号", 4), ("預金種目", 1), ("口座番号", 7), ("受取人名", 30), ("振込金額", 10), ("新規コード", 1),
        ("顧客コード1", 10), ("顧客コード2", 10), ("振込指定区分", 1), ("識別表示", 1), ("ダミー", 7)]  # fmt: skip
TRAILER = [("データ区分", 1), ("合計件数", 6), ("合計金額", 12), ("ダミー", 101)]
END = [("データ区分", 1), ("ダミー", 119)]


def fields(record: bytes, layout: list[tuple[str, int]]) -> dict[str, str]:
    out, position = {}, 0
    for name, width in layout:
        out[name] = record[position : position + width].decode("shift_jis")
        position += width
    assert position == 120
    return out


def test_transfer_file_reads_back_field_by_field(
    shop: Shop, city: City, paid: dict[str, str], clock: FrozenClock, rt: Runtime
) -> None:
    console_login("ena-0009").put(
        f"/api/admin/stores/{city.large_store['store_id']}/payout-account",
        {**ACCOUNT, "account_type": "current", "account_number": "2222222", "holder_name": "ｵｵｶﾞﾀﾃﾝ"},
    )
    clock.set(at("2026-12-01T09:00:00"))
    committee = console_login("ena-0001")
    run = run_for(committee, "2026-11-30").json
    reply = committee.get(f"/api/admin/payout-runs/{run['run_id']}/zengin")
    assert reply.status == 200 and "Shift_JIS" in reply.headers["content-type"]
    raw = reply.body
    assert raw.endswith(b"\r\n")
    records = raw.split(b"\r\n")[:-1]
    assert all(len(r) == 120 for r in records)
    assert [r[:1] for r in records] == [b"1", b"2", b"2", b"8", b"9"]
    head = fields(records[0], HEADER)
    assert head == {
        "データ区分": "1", "種別コード": "21", "コード区分": "0", "委託者コード": "1234567890",
        "委託者名": "ｴﾅｼｼﾖｳﾋﾝｹﾝｼﾞｷﾞﾖｳｼﾞﾂｺｳｲｲﾝｶｲ".ljust(40), "振込指定日": "1207",
        "仕向銀行番号": "0005", "仕向銀行名": "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ".ljust(15), "仕向支店番号": "001",
        "仕向支店名": head["仕向支店名"], "預金種目": "2", "口座番号": "0012345", "ダミー": " " * 17,
    }  # fmt: skip
    rows = [fields(r, DATA) for r in records[1:3]]
    by_code = {r["顧客コード1"]: r for r in rows}
    store_row = by_code["1" + city.store["store_id"].zfill(9)]
    assert store_row == {
        "データ区分": "2", "被仕向銀行番号": "0001", "被仕向銀行名": "ﾐｽﾞﾎ".ljust(15), "被仕向支店番号": "001",
        "被仕向支店名": "ﾄｳｷﾖｳ".ljust(15), "手形交換所番号": "0000", "預金種目": "1", "口座番号": "1111111",
        "受取人名": "ﾃｽﾄﾃﾝﾎﾟ".ljust(30), "振込金額": "0000004000", "新規コード": "0",
        "顧客コード1": "1" + city.store["store_id"].zfill(9), "顧客コード2": city.company["company_id"].zfill(10),
        "振込指定区分": "7", "識別表示": " ", "ダミー": " " * 7,
    }  # fmt: skip
    big_row = by_code["1" + city.large_store["store_id"].zfill(9)]
    assert (big_row["預金種目"], big_row["振込金額"], big_row["受取人名"].rstrip()) == ("2", "0000002000", "ｵｵｶﾞﾀﾃﾝ")
    trailer = fields(records[3], TRAILER)
    amounts = sum(int(r["振込金額"]) for r in rows)
    assert trailer == {"データ区分": "8", "合計件数": "000002", "合計金額": str(amounts).zfill(12), "ダミー": " " * 101}
    assert amounts == run["transfer_total"] == 6_000
    assert fields(records[4], END) == {"データ区分": "9", "ダミー": " " * 119}


def test_a_bank_or_branch_gone_from_the_zengin_list_leaves_its_name_blank_not_the_file_refused(
    shop: Shop, city: City, paid: dict[str, str], clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a run, and then a zengin-code upgrade in which the payee's branch closed and the committee's bank merged
    clock.set(at("2026-12-01T09:00:00"))
    committee = console_login("ena-0001")
    run = run_for(committee, "2026-11-30").json
    listed_banks, listed_branches = bank._banks, bank._branches
    monkeypatch.setattr(bank, "_banks", lambda: {k: v for k, v in listed_banks().items() if k != "0005"})
    monkeypatch.setattr(bank, "_branches", lambda code: {} if code == "0001" else listed_branches(code))
    # Then the file is still made: the codes stand and the optional names are blank
    reply = committee.get(f"/api/admin/payout-runs/{run['run_id']}/zengin")
    assert reply.status == 200, reply
    head = fields(reply.body.split(b"\r\n")[0], HEADER)
    assert (head["仕向銀行番号"], head["仕向銀行名"]) == ("0005", " " * 15)
    row = next(fields(r, DATA) for r in reply.body.split(b"\r\n")[1:3] if r[1:5] == b"0001")
    assert (row["被仕向支店番号"], row["被仕向支店名"], row["被仕向銀行名"]) == ("001", " " * 15, "ﾐｽﾞﾎ".ljust(15))


def test_statements_and_the_payout_list(
    shop: Shop, city: City, paid: dict[str, str], clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(at("2026-12-01T09:00:00"))
    committee = console_login("ena-0001")
    run = run_for(committee, "2026-11-30").json
    company_id = city.company["company_id"]
    # The company admin downloads its own 支払通知書: a PDF with a Japanese font embedded
    mine = console_login("ena-0002")
    pdf = mine.get(f"/api/admin/payout-runs/{run['run_id']}/statements/{company_id}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body.startswith(b"%PDF") and b"/FontFile2" in pdf.body and b"NotoSansJP" in pdf.body
    assert "missing the following glyphs" not in caplog.text  # every character drawn is in the embedded font
    # ... never another company's
    other = city.other_company["company_id"]
    assert mine.get(f"/api/admin/payout-runs/{run['run_id']}/statements/{other}").status == 404
    assert committee.get(f"/api/admin/payout-runs/{run['run_id']}/statements/{other}").status == 200
    # The payout list as CSV and XLSX for the committee only
    listed = committee.get(f"/api/admin/payout-runs/{run['run_id']}/list.csv")
    text = listed.body.decode("utf-8-sig").splitlines()
    assert text[0].startswith("精算期間,支払日,支払先区分") and len(text) == 3
    assert any(city.store["store_id"] in row and ",4000," in row for row in text[1:])
    sheet = committee.get(f"/api/admin/payout-runs/{run['run_id']}/list.xlsx")
    assert sheet.status == 200 and sheet.body[:2] == b"PK"
    assert mine.get(f"/api/admin/payout-runs/{run['run_id']}/list.csv").status == 403


def test_each_change_of_a_run_is_one_transaction_with_its_audit_entry_and_a_conflict_is_busy(
    shop: Shop, paid: dict[str, str], clock: FrozenClock, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(at("2026-12-08T09:00:00"))
    committee = console_login("ena-0001")
    original, written, conflicts = rt.db.transact, [], {"left": 0}

    def watched(actions: list[dict[str, Any]], *, token: str | None = None) -> None:
        if conflicts["left"]:
            conflicts["left"] -= 1
            raise TransactionFailed(["TransactionConflict", *[None] * (len(actions) - 1)], [None] * len(actions))
        original(actions, token=token)
        written.append([a["Put"]["Item"]["action"]["S"] for a in actions if "audit" in str(a.get("Put", {}))])

    monkeypatch.setattr(rt.db, "transact", watched)
    first = run_for(committee, "2026-11-30").json
    # When another's transaction cancels the 取消 (as two clerks at once): busy, the run as it was
    conflicts["left"] = 1
    busy = committee.post(f"/api/admin/payout-runs/{first['run_id']}/cancel")
    assert busy.status == 503 and busy.code == "service_unavailable", busy
    assert committee.get(f"/api/admin/payout-runs/{first['run_id']}").json["state_label"] == "作成済み"
    # Then the clerk's retry cancels it; each change wrote its audit entry in its own transaction
    assert committee.post(f"/api/admin/payout-runs/{first['run_id']}/cancel").status == 200
    rerun = run_for(committee, "2026-11-30").json
    assert committee.post(f"/api/admin/payout-runs/{rerun['run_id']}/paid", {"paid_on": "2026-12-07"}).status == 200
    changes = [actions for actions in written if actions]
    assert changes == [
        ["payout_run_confirmed"],
        ["payout_run_cancelled"],
        ["payout_run_confirmed"],
        ["payout_run_paid"],
    ]


def test_a_company_of_many_stores_finds_the_lines_of_its_older_runs(rt: Runtime) -> None:
    # Given a company paid per store, 60 stores a run, over 5 runs: 300 lines, more than a page of 200
    def line(end: str, run_id: str, store_no: int) -> dict[str, Any]:
        payee = f"S#{store_no:07d}"
        return {"PK": f"PAYRUN#{run_id}", "SK": f"PAYEE#00077#{payee}", "run_id": run_id, "status": "transfer",
                "L1PK": payout_items.company_lines_pk("00077"), "L1SK": f"{end}#{run_id}#{payee}"}  # fmt: skip

    ends = ["2026-07-15", "2026-07-31", "2026-08-15", "2026-08-31", "2026-09-15"]
    payout_items.write_lines(rt.db, [line(end, f"R{n}", s) for n, end in enumerate(ends) for s in range(60)])
    # Then every run is found whole, newest first, and a shorter reach stops at a run's edge
    found = payout_items.lines_of_company(rt.db, "00077")
    assert list(found) == ["R4", "R3", "R2", "R1", "R0"] and {len(v) for v in found.values()} == {60}
    assert {k: len(v) for k, v in payout_items.lines_of_company(rt.db, "00077", runs=2).items()} == {"R4": 60, "R3": 60}
