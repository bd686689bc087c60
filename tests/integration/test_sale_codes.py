"""引換コード (issue 15.1): the committee prints a code per eligible person (PDF slips or CSV); a wallet redeems
one to become eligible; a code works once, for one person, and one person holds one eligibility whatever
the channel (list matching, code, paper)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from local.streams import Stream
from shoken import privacy, redemption, sale
from shoken.db import keys
from shoken.errors import RedemptionCodeUsed
from shoken.runtime import Runtime
from tests.integration.conftest import City, wallet_login
from tests.integration.test_sale_applications import code
from tests.support.client import Client
from tests.support.races import race
from tests.support.sale import HANAKO, TARO, committee_with_open_sale, upload_residents
from tests.support.world import World

WANTED = "氏名カナ,住民番号,生年月日\nやまだ たろう,a-1,1980/4/1\nスズキ ハナコ,A-2,19751203\n"


@pytest.fixture
def committee(city: City, world: World, stream: Stream) -> Client:
    return committee_with_open_sale(city, world, stream)


def sheet(client: Client, data: bytes, fmt: str = "csv") -> Any:
    return client.request(
        "POST",
        f"/api/admin/programmes/P1/redemption-codes?format={fmt}",
        raw=data,
        content_type="application/octet-stream",
    )


def codes_in(reply: Any) -> dict[str, str]:
    rows = list(csv.DictReader(io.StringIO(reply.body.decode("utf-8-sig"))))
    return {r["住民番号"]: r["引換コード"] for r in rows}


PEOPLE = (
    ("A-1", "ヤマダ タロウ", "1980-04-01"),
    ("A-2", "スズキ ハナコ", "1975-12-03"),
    ("A-3", "サトウ ジロウ", "1992-02-29"),
)


def code_items(rt: Runtime) -> list[dict[str, Any]]:
    """The stored code records of the list's three people (by key: a code is found only from its digest)."""
    found = []
    for person in PEOPLE:
        matching_hash = sale.person_hash(rt, "P1", *person)
        record = redemption.item(rt.resident_key, "P1", matching_hash, "")
        stored = rt.db.get((str(record["PK"]), str(record["SK"])))
        if stored is not None:
            found.append(dict(stored))
    return found


def test_the_committee_gets_a_csv_of_codes_for_a_mailing_house_and_printing_again_gives_the_same(
    committee: Client, rt: Runtime
) -> None:
    # When the committee sends two residents of the list (columns in another order, kana in hiragana)
    first = sheet(committee, WANTED.encode())
    assert first.status == 200 and first.headers["content-type"].startswith("text/csv"), first
    got = codes_in(first)
    # Then each gets a 12-letter code of the unambiguous alphabet, shown in groups of four
    assert sorted(got) == ["A-1", "A-2"] and got["A-1"] != got["A-2"]
    for shown in got.values():
        assert len(shown) == 14 and redemption.normalise(shown) is not None and not set(shown) & set("01OI")
    assert "ヤマダタロウ" in first.body.decode("utf-8-sig")
    # And asking again gives the same codes, and records nothing new
    assert codes_in(sheet(committee, WANTED.encode())) == got
    audit = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&action=redemption_codes_issued")
    assert sorted(e["detail"]["new"] for e in audit.json["items"]) == [0, 2]
    assert "ヤマダ" not in str(audit.json) and got["A-1"] not in str(audit.json)


def test_the_pdf_sheet_has_a_slip_per_person(committee: Client) -> None:
    reply = sheet(committee, WANTED.encode(), "pdf")
    assert reply.status == 200 and reply.headers["content-type"] == "application/pdf", reply
    assert reply.body.startswith(b"%PDF") and b"/Type /Page" in reply.body
    assert "redemption_codes_P1.pdf" in reply.headers["content-disposition"]


def test_a_file_with_a_bad_row_or_someone_not_on_the_list_issues_nothing(committee: Client, rt: Runtime) -> None:
    bad = WANTED + "サトウ ジロウ,A-3,1992-02-30\nタナカ イチロウ,A-9,1990-01-01\n"
    reply = sheet(committee, bad.encode())
    assert reply.status == 400 and code(reply) == "resident_file_rows", reply
    reasons = [(d["line"], d["reason_ja"]) for d in reply.json["error"]["details"]]
    assert reasons == [(4, "生年月日が存在しない日付です。"), (5, "住民名簿に載っていない方です。")]
    assert "タナカ" not in reply.body.decode()  # errors name the line, never the value
    assert code_items(rt) == []
    assert code(sheet(committee, "住民番号;氏名カナ\n".encode("cp932"))) == "resident_file_invalid"
    assert code(sheet(committee, "住民番号,氏名カナ,生年月日,住所\n".encode())) == "resident_file_invalid"
    assert code(sheet(committee, WANTED.encode(), "xlsx")) == "invalid_request"
    assert code_items(rt) == []


def test_a_wallet_redeems_its_code_once_and_nobody_else_can(committee: Client, rt: Runtime) -> None:
    got = codes_in(sheet(committee, WANTED.encode()))
    taro, other = wallet_login("taro@example.jp"), wallet_login("other@example.jp")
    # When Taro types his code in lower case with spaces for hyphens
    typed = got["A-1"].lower().replace("-", " ")
    status = taro.post("/api/wallet/sale/P1/redeem", {"code": typed})
    assert status.status == 200 and status.json["eligible"] is True, status
    # Then he can apply, and typing it again changes nothing
    assert taro.put("/api/wallet/sale/P1/application", {"units": 2}).json["applied_units"] == 2
    assert taro.post("/api/wallet/sale/P1/redeem", {"code": got["A-1"]}).status == 200
    # And another wallet with the same code is refused
    used = other.post("/api/wallet/sale/P1/redeem", {"code": got["A-1"]})
    assert used.status == 409 and code(used) == "redemption_code_used" and "既に使われています" in str(used.json)
    assert other.get("/api/wallet/sale/P1").json["eligible"] is False
    # A code nobody was given, or one of the wrong shape, is invalid
    assert code(other.post("/api/wallet/sale/P1/redeem", {"code": "2222-2222-2222"})) == "redemption_code_invalid"
    assert code(other.post("/api/wallet/sale/P1/redeem", {"code": "0000-1111"})) == "redemption_code_invalid"
    # Taro's wallet cannot take Hanako's code as well (one wallet, one person)
    taken = taro.post("/api/wallet/sale/P1/redeem", {"code": got["A-2"]})
    assert code(taken) == "eligibility_taken" and "別の方" in str(taken.json)
    record = next(i for i in code_items(rt) if i.get("redeemed_by"))
    assert record["redeemed_by"] == status_wallet(taro) and len(code_items(rt)) == 2


def test_an_eligibility_taken_by_code_is_deleted_with_the_programmes_personal_data(
    committee: Client, rt: Runtime
) -> None:
    got = codes_in(sheet(committee, WANTED.encode()))
    taro = wallet_login("taro@example.jp")
    assert taro.post("/api/wallet/sale/P1/redeem", {"code": got["A-1"]}).status == 200
    # Both sides of the binding are in the programme's list of personal data the retention run deletes
    wallet_id = status_wallet(taro)
    person = sale.wallet_person(rt, "P1", wallet_id)
    assert person is not None
    for key in (keys.person_eligibility("P1", person), keys.wallet_eligibility("P1", wallet_id)):
        record = rt.db.get(key) or {}
        assert record.get("L2PK") == privacy.tag_partition("P1"), (key, record)


def test_one_person_one_eligibility_whatever_the_channel(committee: Client) -> None:
    got = codes_in(sheet(committee, WANTED.encode()))
    hanako, thief = wallet_login("hanako@example.jp"), wallet_login("thief@example.jp")
    # Given Hanako matched the list in her wallet
    assert hanako.post("/api/wallet/sale/P1/eligibility", HANAKO).json["eligible"] is True
    # Then her code, found by someone else, gives them nothing, and the code stays unused for Hanako
    assert code(thief.post("/api/wallet/sale/P1/redeem", {"code": got["A-2"]})) == "eligibility_taken"
    assert hanako.post("/api/wallet/sale/P1/redeem", {"code": got["A-2"]}).status == 200
    # And a person whose code was redeemed cannot be keyed in on paper, nor matched by another wallet
    assert thief.post("/api/wallet/sale/P1/redeem", {"code": got["A-1"]}).status == 200
    assert code(committee.post("/api/admin/programmes/P1/applications", TARO | {"units": 1})) == "eligibility_taken"
    assert code(wallet_login("taro@example.jp").post("/api/wallet/sale/P1/eligibility", TARO)) == "eligibility_taken"


def test_two_wallets_racing_for_one_code_leave_exactly_one_eligible(committee: Client, rt: Runtime) -> None:
    got = codes_in(sheet(committee, WANTED.encode()))

    def claim(n: int) -> str:
        redemption.redeem(rt, "P1", f"71000000000{n}", got["A-1"])
        return "ok"

    used = RedemptionCodeUsed.code
    assert sorted(race(claim, threads=4)) == ["ok", used, used, used]
    person = sale.person_hash(rt, "P1", "A-1", "ヤマダ タロウ", "1980-04-01")
    winner = rt.db.get(keys.person_eligibility("P1", person))
    assert winner is not None and winner["channel"] == "code"


def test_guessing_codes_is_limited_per_wallet(committee: Client) -> None:
    guesser = wallet_login("guess@example.jp")
    replies = [guesser.post("/api/wallet/sale/P1/redeem", {"code": f"2222-2222-22{c}{c}"}) for c in "23456789AB"]
    assert {code(r) for r in replies} == {"redemption_code_invalid"}
    limited = guesser.post("/api/wallet/sale/P1/redeem", {"code": "2222-2222-22CC"})
    assert limited.status == 429 and "引換コードの入力" in limited.json["error"]["message"]


def status_wallet(client: Client) -> str:
    return str(client.get("/api/auth/me").json["user_id"])


def test_a_list_exported_with_trailing_commas_is_taken_and_its_keys_come_back_as_text_not_formulas(
    committee: Client, stream: Stream
) -> None:
    # Given a list as a spreadsheet exports it (an empty column without a heading), whose key starts with "-"
    exported = "住民番号,氏名カナ,生年月日,\r\n-9-9,タナカ イチロウ,1960-01-02,\r\nA-2,スズキ ハナコ,1975-12-03,\r\n"
    job = upload_residents(committee, "P1", exported.encode(), stream)
    assert job["state"] == "done" and job["total_count"] == 2, job
    # When the committee prints that person's code as CSV, Then the key is a text cell a spreadsheet will not run
    reply = sheet(committee, "氏名カナ,住民番号,生年月日\nタナカ イチロウ,-9-9,1960-01-02\n".encode())
    assert reply.status == 200, reply
    assert list(codes_in(reply)) == ["'-9-9"]
    # And a column without a heading that holds a value is still refused, by its name
    stray = "住民番号,氏名カナ,生年月日,\r\nA-2,スズキ ハナコ,1975-12-03,メモ\r\n"
    refused = upload_residents(committee, "P1", stray.encode(), stream)
    assert refused["state"] == "failed" and "見出しのない列" in refused["message"], refused
