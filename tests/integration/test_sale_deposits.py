"""銀行振込 (issue 15.5): each wallet winner has a 振込依頼人コード and an amount due; the committee's
deposit list credits a matched deposit once (by the counter charge's own transaction), lists what
did not match with the reason, and a bad file is refused by line with nothing written."""

from __future__ import annotations

from typing import Any

from shoken import deposits, sale
from shoken.clock import jst_date
from shoken.db import keys
from shoken.db.dynamo import Expr
from shoken.runtime import Runtime
from shoken.status import Status
from tests.integration import test_sale_purchase
from tests.integration.conftest import console_login, wallet_login
from tests.integration.test_sale_applications import code
from tests.integration.test_sale_purchase import charge
from tests.support.client import Client

sold = test_sale_purchase.sold  # the fixture: Taro won 3 units, Hanako 1, 購入期限 2026-12-20
HEADER = "入金日,振込依頼人名,金額\r\n"


def send(committee: Client, text: str, encoding: str = "utf-8") -> Any:
    return committee.request(
        "POST", "/api/admin/programmes/P1/deposits", raw=text.encode(encoding), content_type="application/octet-stream"
    )


def status(email: str) -> dict[str, Any]:
    return dict(wallet_login(email).get("/api/wallet/sale/P1").json)


def charges_of(rt: Runtime, wallet_id: str) -> int:
    record = rt.db.get(keys.wallet(wallet_id)) or {}
    return len(record.get("buckets", {}))


def taros_transfer(sold: dict[str, Any], rt: Runtime) -> tuple[Client, str, str, str, str]:
    """(the committee's client, today, Taro's wallet id, his 振込依頼人コード, his person hash)."""
    taro = sold["wallets"]["taro@example.jp"]
    person = sale.wallet_person(rt, "P1", taro)
    assert person is not None
    return sold["committee"], jst_date(rt.clock.now()), taro, status("taro@example.jp")["payment_reference"], person


def test_the_check_digit_catches_one_wrong_digit() -> None:
    reference = deposits.candidate(b"k" * 32, "P1", "h", 0)
    assert deposits.is_valid(reference)
    for i in range(9):
        wrong = reference[:i] + str((int(reference[i]) + 1) % 10) + reference[i + 1 :]
        assert not deposits.is_valid(wrong)


def test_a_matched_deposit_credits_once_and_a_reupload_credits_nothing(
    sold: dict[str, Any], rt: Runtime, clock: Any
) -> None:
    committee, wallets = sold["committee"], sold["wallets"]
    today = jst_date(rt.clock.now())
    # Given Taro won 3 units: the wallet shows his code and 30,000円 due, and so does the 申込一覧 CSV
    taro = status("taro@example.jp")
    reference = taro["payment_reference"]
    assert deposits.is_valid(reference) and taro["amount_due"] == 30_000
    listing = committee.get("/api/admin/programmes/P1/applications.csv").body.decode("utf-8-sig")
    assert "振込依頼人コード,請求額" in listing and f"{reference},30000" in listing
    # When the bank's list (Shift_JIS, as Excel saves it) has his deposit with his code before his name
    text = HEADER + f'{today},{reference}ﾔﾏﾀﾞﾀﾛｳ,"30,000"\r\n'
    reply = send(committee, text, "cp932")
    # Then it is credited: 3 units bought, the wallet's value added, the charge's number shown
    assert reply.status == 200, reply
    assert (reply.json["rows"], reply.json["credited"], reply.json["credited_amount"]) == (1, 1, 30_000)
    line = reply.json["items"][0]
    assert line["credited"] and line["units"] == 3 and line["number"] and line["reason"] is None
    after = status("taro@example.jp")
    assert (after["purchased_units"], after["amount_due"]) == (3, 0)
    buckets = charges_of(rt, wallets["taro@example.jp"])
    assert buckets > 0
    person = sale.wallet_person(rt, "P1", wallets["taro@example.jp"])
    assert person is not None
    assert rt.db.get(keys.deposit_credit("P1", reference, 1)) is not None
    # When the same list is uploaded again, and an overlapping one with one more line
    clock.advance(minutes=1)
    again = send(committee, text, "cp932")
    clock.advance(minutes=1)
    overlap = send(committee, text + f"{today},{reference}ﾔﾏﾀﾞﾀﾛｳ,30001\r\n")
    # Then nothing more is credited; each line is listed for the clerk with the reason
    assert again.status == 200 and again.json["credited"] == 0
    assert "取込済み" in again.json["items"][0]["reason"]
    assert overlap.json["credited"] == 0 and all(i["reason"] for i in overlap.json["items"])
    assert charges_of(rt, wallets["taro@example.jp"]) == buckets
    assert int((rt.db.get(keys.application("P1", person)) or {})["purchased_units"]) == 3
    # And the results are kept for the programme, newest first
    kept = committee.get("/api/admin/programmes/P1/deposits").json["items"]
    assert [u["credited"] for u in kept] == [0, 0, 1]


def test_wrong_amount_unknown_code_and_late_deposits_are_listed_not_credited(
    sold: dict[str, Any], rt: Runtime, clock: Any
) -> None:
    committee, wallets = sold["committee"], sold["wallets"]
    hanako = status("hanako@example.jp")["payment_reference"]
    taro = status("taro@example.jp")["payment_reference"]
    unknown = deposits.candidate(b"other key" * 4, "P1", "x", 0)
    clock.advance(days=12)  # past the 購入期限 (2026-12-20)
    committee = console_login("ena-0001")
    today = jst_date(rt.clock.now())
    text = (
        "参照番号,金額,入金日\r\n"
        f"{hanako},9000,2026-12-19\r\n"  # wrong amount (10,000円 due)
        f"{unknown},10000,2026-12-19\r\n"  # a valid-looking code nobody has
        f"{taro},30000,{today}\r\n"  # the right amount, after the deadline
        "12345,10000,2026-12-19\r\n"  # no code at all
    )
    reply = send(committee, text)
    assert reply.status == 200, reply
    assert reply.json["credited"] == 0
    reasons = [i["reason"] for i in reply.json["items"]]
    assert "請求額 (10,000円" in reasons[0]
    assert "この事業にない" in reasons[1]
    assert "購入期限 (2026-12-20) を過ぎた" in reasons[2]
    assert "見つからない" in reasons[3]
    for email in ("hanako@example.jp", "taro@example.jp"):
        assert charges_of(rt, wallets[email]) == 0


def test_bad_files_are_refused_by_line_and_nothing_is_written(sold: dict[str, Any], rt: Runtime) -> None:
    committee = sold["committee"]
    today = jst_date(rt.clock.now())
    reference = status("taro@example.jp")["payment_reference"]
    good = f"{today},{reference},30000\r\n"
    cases = {
        "入金日,振込依頼人名,金額,口座番号\r\n" + f"{today},{reference},30000,1\r\n": "口座番号",
        HEADER + good + good: "3行目",
        HEADER + good + f"{today},x,-100\r\n": "負の数",
        HEADER + good + f"{today},x,100.5\r\n": "整数",
        HEADER + good + "12/40,x,100\r\n": "3行目 入金日",
        HEADER + good + f"{today},{'ﾔ' * 121},100\r\n": "3行目 振込依頼人名",  # over 120 characters
        HEADER + good + f"{today},x,{'9' * 16}\r\n": "桁数",  # over 15 digits (botocore's numbers fail at 40)
    }
    for text, named in cases.items():
        reply = send(committee, text)
        assert reply.status == 400, (text, reply)
        assert code(reply) in ("deposit_file_invalid", "deposit_file_rows")
        shown = reply.json["error"]["message"] + str(reply.json["error"].get("details"))
        assert named in shown, (named, shown)
    assert status("taro@example.jp")["purchased_units"] == 0
    assert rt.db.get(keys.deposit_credit("P1", reference, 1)) is None
    assert committee.get("/api/admin/programmes/P1/deposits").json["items"] == []


def test_a_full_file_of_the_longest_rows_keeps_every_row_and_its_audit_entry(sold: dict[str, Any], rt: Runtime) -> None:
    # Given a file of the most rows a file may have, each payer name as long as a row may hold, and
    # Taro's deposit last: one result item of it would be over DynamoDB's 400 KB
    committee, today, taro, reference, _ = taros_transfer(sold, rt)
    filler = [f"{today},{'ﾔ' * 110}{n:010d},1000\r\n" for n in range(deposits.MAX_ROWS - 1)]
    reply = send(committee, HEADER + "".join(filler) + f"{today},{reference}ﾔﾏﾀﾞﾀﾛｳ,30000\r\n")
    # Then Taro is credited and the answer, the kept result and the audit entry list all 2,000 rows
    assert reply.status == 200, reply
    assert (reply.json["rows"], reply.json["credited"]) == (deposits.MAX_ROWS, 1)
    kept = committee.get("/api/admin/programmes/P1/deposits").json["items"]
    assert len(kept) == 1 and len(kept[0]["items"]) == deposits.MAX_ROWS
    assert [i["line"] for i in kept[0]["items"]] == list(range(2, deposits.MAX_ROWS + 2))
    assert kept[0]["items"][-1]["credited"] and kept[0]["items"][0]["payer"].startswith("ﾔ" * 110)
    today_audit = f"/api/admin/audit?date_from={today}&date_to={today}&action=deposits_imported"
    entries = committee.get(today_audit).json["items"]
    assert len(entries) == 1, entries
    assert status("taro@example.jp")["purchased_units"] == 3 and charges_of(rt, taro) > 0


def test_a_counter_purchase_and_a_transfer_cannot_both_consume_the_units(sold: dict[str, Any], rt: Runtime) -> None:
    committee, wallets = sold["committee"], sold["wallets"]
    today = jst_date(rt.clock.now())
    taro, hanako = wallets["taro@example.jp"], wallets["hanako@example.jp"]
    # Given Taro bought all 3 units at the counter: his transfer is listed (already bought), not credited
    assert charge(committee, taro, 3, "counter").status == 200
    ref_taro = status("taro@example.jp")["payment_reference"]
    first = send(committee, HEADER + f"{today},{ref_taro},30000\r\n").json["items"][0]
    assert not first["credited"] and "購入済み" in first["reason"]
    # Given Hanako's 1 unit is paid by transfer: the counter then refuses to sell it again
    ref_hanako = status("hanako@example.jp")["payment_reference"]
    assert send(committee, HEADER + f"{today},{ref_hanako},10000\r\n").json["credited"] == 1
    assert code(charge(committee, hanako, 1, "late-counter")) == "over_allocation"


def test_a_transfer_read_before_a_counter_purchase_fails_on_the_allocation(
    sold: dict[str, Any], rt: Runtime, monkeypatch: Any
) -> None:
    committee, today, taro, reference, person = taros_transfer(sold, rt)
    stale = rt.db.get(keys.application("P1", person))
    # Given the counter sold Taro 1 of his 3 units after the deposit run read his application (none bought)
    assert charge(committee, taro, 1, "race").status == 200
    buckets = charges_of(rt, taro)
    monkeypatch.setattr(sale, "application_of", lambda *_: stale)
    # When the transfer is matched on that read
    line = send(committee, HEADER + f"{today},{reference},30000\r\n").json["items"][0]
    # Then the allocation's condition refuses it: nothing credited, the clerk sees why
    assert not line["credited"] and "同時に店頭で購入" in line["reason"]
    assert charges_of(rt, taro) == buckets
    assert rt.db.get(keys.deposit_credit("P1", reference, 1)) is None


def test_a_code_taken_in_the_programme_is_never_given_twice(sold: dict[str, Any], rt: Runtime) -> None:
    # Given Hanako's first candidate code already belongs to someone else in this programme
    person = sale.wallet_person(rt, "P1", sold["wallets"]["hanako@example.jp"])
    assert person is not None
    application = rt.db.get(keys.application("P1", person)) or {}
    first = deposits.candidate(rt.resident_key, "P1", person, 0)
    assert application["pay_ref"] == first
    rt.db.delete(keys.payment_reference("P1", first))
    rt.db.put({"PK": keys.payment_reference("P1", first)[0], "SK": "PAYREF", "matching_hash": "someone-else"})
    fresh = {k: v for k, v in application.items() if k != "pay_ref"}
    rt.db.put(fresh)
    # When her code is assigned again (a re-run draw job)
    reference = deposits.assign(rt, "P1", fresh)
    # Then she gets the next candidate, its own item says whose it is, and assigning again keeps it
    assert reference == deposits.candidate(rt.resident_key, "P1", person, 1) != first
    assert (rt.db.get(keys.payment_reference("P1", reference)) or {})["matching_hash"] == person
    assert deposits.assign(rt, "P1", rt.db.get(keys.application("P1", person)) or {}) == reference


def test_a_blocked_wallet_is_not_credited_and_the_clerk_sees_why(sold: dict[str, Any], rt: Runtime) -> None:
    committee, today, taro, reference, person = taros_transfer(sold, rt)
    # Given Taro's wallet is stopped as a lost or stolen card's wallet is (利用停止(紛失・盗難))
    expr = Expr()
    rt.db.update(keys.wallet(taro), f"SET {expr.n('status')} = {expr.v(Status.BLOCKED)}", expr)
    # When his matched transfer is read
    reply = send(committee, HEADER + f"{today},{reference},30000\r\n")
    # Then it is listed with the reason in Japanese and nothing is written
    assert reply.status == 200, reply
    line = reply.json["items"][0]
    assert not line["credited"] and "紛失・盗難" in line["reason"], line
    assert charges_of(rt, taro) == 0
    assert rt.db.get(keys.deposit_credit("P1", reference, 1)) is None
    assert int((rt.db.get(keys.application("P1", person)) or {}).get("purchased_units", 0)) == 0


def test_a_transfer_is_its_own_kind_in_history_and_reports_and_cancels_as_a_counter_charge(
    sold: dict[str, Any], rt: Runtime, stream: Any
) -> None:
    committee = sold["committee"]
    today = jst_date(rt.clock.now())
    reference = status("hanako@example.jp")["payment_reference"]
    # Given Hanako's 1 unit is paid by transfer
    line = send(committee, HEADER + f"{today},{reference},10000\r\n").json["items"][0]
    assert line["credited"], line
    number = line["number"]
    stream.drain()
    # Then 取引履歴 shows it as 振込購入, not 店頭チャージ, and finds it by that kind alone
    shown = committee.get(f"/api/history/{number}").json
    assert (shown["txn_type"], shown["txn_type_label"]) == ("transfer_charge", "振込購入"), shown
    window = f"date_from={today}&date_to={today}"
    found = committee.get(f"/api/history?{window}&types=transfer_charge&page_size=50").json["items"]
    assert [t["number"] for t in found] == [number]
    assert committee.get(f"/api/history?{window}&types=store_charge&page_size=50").json["items"] == []
    # And the totals count it among the charges
    rows = committee.get(f"/api/reports/totals?{window}&group=voucher_type").json["rows"]
    assert sum(r["charges"] for r in rows) == shown["amount"] > 0 and sum(r["other"] for r in rows) == 0
    # And it is cancelled as a counter charge is (nothing spent yet)
    cancelled = committee.post(f"/api/admin/charges/{number}/cancel")
    assert cancelled.status == 200, cancelled
    assert committee.get(f"/api/history/{number}").json["status"] == "cancelled"


def test_the_wallet_asks_for_a_transfer_only_while_one_would_be_credited(sold: dict[str, Any], clock: Any) -> None:
    # Given Taro's 3 units won, on the 購入期限 (2026-12-20): the wallet asks for 30,000 yen with his code
    clock.advance(days=9)
    on_the_day = status("taro@example.jp")
    assert (on_the_day["amount_due"], on_the_day["purchase_end"]) == (30_000, "2026-12-20"), on_the_day
    # When the day has passed, Then it asks for nothing (a transfer now is listed, not credited)
    clock.advance(days=1)
    after = status("taro@example.jp")
    assert after["amount_due"] == 0 and after["won_units"] == 3, after
    late = send(console_login("ena-0001"), HEADER + f"2026-12-21,{after['payment_reference']},30000\r\n").json["items"][
        0
    ]
    assert not late["credited"], late
