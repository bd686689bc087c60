"""Residents' personal data (issue 23.2-23.4): a wallet's email is shown only with a reason and audited,
開示請求 produces a marked file that expires, erasure on request only when the money records allow, and
each programme's resident data and personal details are deleted after its retention, never while it runs."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import boto3
import pytest
from openpyxl import load_workbook

from local.apigw import FakeLambdaContext
from local.streams import Stream
from shoken import privacy
from shoken.clock import FrozenClock
from shoken.db import keys
from shoken.db.dynamo import TransactionFailed
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, wallet_login
from tests.support.client import Client
from tests.support.sale import applied, open_sale
from tests.support.world import World
from workers import schedule

LIST = "住民番号,氏名カナ,生年月日\nA-1,ヤマダ タロウ,1980-04-01\nA-2,スズキ ハナコ,1975-12-03\n"
TARO = {"resident_key": "A-1", "name_kana": "ヤマダ タロウ", "birth_date": "1980-04-01"}
HANAKO = {"resident_key": "A-2", "name_kana": "スズキ ハナコ", "birth_date": "1975-12-03"}
TODAY = "date_from=2026-11-29&date_to=2026-11-29"  # the frozen clock's day


def audited(client: Client, action: str, dates: str = TODAY) -> list[dict[str, Any]]:
    return list(client.get(f"/api/admin/audit?{dates}&action={action}").json["items"])


def close_and_draw(committee: Client, programme_id: str, stream: Stream) -> None:
    """A sale programme is bought at the counter only by its 当選 applicants, after the draw."""
    assert committee.post(f"/api/admin/programmes/{programme_id}/sale/close").status == 200
    assert committee.post(f"/api/admin/programmes/{programme_id}/draw", {"rule": "lot"}).status == 200
    stream.drain()


def charge(client: Client, programme_id: str, wallet_id: str, key: str) -> Any:
    body = {"programme_id": programme_id, "units": 1, "idempotency_key": key, "wallet_id": wallet_id}
    reply = client.post("/api/admin/charges", body)
    assert reply.status == 200, reply
    return reply.json


def test_a_wallets_email_is_shown_only_with_a_reason_and_each_view_is_audited(city: City) -> None:
    resident = wallet_login("taro.yamada@example.jp")
    wallet_id = resident.get("/api/auth/me").json["user_id"]
    committee = console_login("ena-0001")
    # Given the list and the detail: the address is masked
    detail = committee.get(f"/api/admin/app-users/{wallet_id}").json
    assert detail["email"] != "taro.yamada@example.jp" and detail["email"].endswith("@example.jp")
    listed = {u["wallet_id"]: u["email"] for u in committee.get("/api/admin/app-users").json["items"]}
    assert listed[wallet_id] == detail["email"]
    # The console searches by address in a POST body (never in a URL, so never in an access log)
    found = committee.post("/api/admin/app-users/search", {"email": "Taro.Yamada@example.jp", "page_size": "50"})
    assert [(u["wallet_id"], u["email"]) for u in found.json["items"]] == [(wallet_id, "taro.yamada@example.jp")]
    # When no reason, an unknown reason or その他 without a note is given: refused, nothing shown
    path = f"/api/admin/app-users/{wallet_id}/personal"
    assert committee.post(path, {"reason": "curious"}).code == "reason_required"
    refused = committee.post(path, {"reason": "other"})
    assert refused.status == 400 and refused.code == "note_required" and "email" not in refused.json
    # Then with a reason the address is shown, and the audit log says who and why, not the address
    shown = committee.post(path, {"reason": "inquiry"})
    assert shown.status == 200 and shown.json["email"] == "taro.yamada@example.jp", shown
    assert committee.post(path, {"reason": "other", "note": "警察からの照会"}).status == 200
    entries = audited(committee, "personal_data_viewed")
    assert sorted(e["detail"]["reason_label"] for e in entries) == [
        "その他(警察からの照会)",
        "本人からの問い合わせ対応",
    ]
    assert all(e["actor"]["login_id"] == "ena-0001" and e["target_id"] == wallet_id for e in entries)
    assert "taro.yamada" not in json.dumps(entries, ensure_ascii=False)
    # And only committee admins of the wallet's committee may look
    assert console_login("ena-0002").post(path, {"reason": "inquiry"}).status == 403
    assert console_login("oth-0001").post(path, {"reason": "inquiry"}).status == 404


def test_a_disclosure_file_holds_everything_stored_about_the_resident_is_marked_and_expires(
    city: City, world: World, rt: Runtime, stream: Stream, clock: FrozenClock
) -> None:
    world.programme(city.committee, limit_units=5)
    committee = console_login("ena-0001")
    open_sale(committee, stream, {"apply_start": "2026-11-20", "apply_end": "2026-12-10", "units_on_sale": 100}, LIST)
    _, wallet_id = applied("taro.yamada@example.jp", TARO, 2)
    close_and_draw(committee, "P1", stream)
    bought = charge(committee, "P1", wallet_id, "key-disclosure-0000001")
    # When the committee produces the 開示請求 file
    queued = committee.post(f"/api/admin/app-users/{wallet_id}/disclosure", {"format": "xlsx"})
    assert queued.status == 200, queued
    stream.drain()
    files = committee.get("/api/exports").json["items"]
    assert files[0]["label"].startswith("【個人情報を含む】") and files[0]["state"] == "done", files
    link = committee.post(f"/api/exports/{files[0]['job_id']}/link").json
    assert link["filename"].startswith("personal_data_disclosure_") and link["filename"].endswith(".zip")
    body = boto3.client("s3").get_object(Bucket=rt.config.export_bucket, Key=f"exports/{files[0]['job_id']}.zip")  # type: ignore[attr-defined]
    archive = zipfile.ZipFile(io.BytesIO(body["Body"].read()))
    # Then the JSON holds the wallet, its transaction, its application and the notice of personal data
    document = json.loads(archive.read(f"disclosure_{wallet_id}.json"))
    assert document["notice"].startswith("【個人情報を含む】")
    sections = document["sections"]
    assert sections["wallet"][0]["メールアドレス"] == "taro.yamada@example.jp"
    assert [t["取引番号"] for t in sections["transactions"]] == [bought["number"]]
    assert [(a["事業ID"], a["申込冊数"]) for a in sections["applications"]] == [("P1", 2)]
    assert sum(b["残高"] for b in sections["balances"]) == 13_000
    book = load_workbook(io.BytesIO(archive.read(f"disclosure_{wallet_id}.xlsx")))
    assert book.sheetnames == ["はじめに", "アプリユーザ", "カード", "残高", "取引", "申込", "送信したメール"]
    assert str(book["はじめに"]["A2"].value).startswith("【個人情報を含む】")
    # And making and downloading it are audited with the reason; another admin cannot fetch it
    assert audited(committee, "disclosure_requested")[0]["detail"]["reason_label"] == "開示請求への対応"
    assert audited(committee, "export_downloaded")[0]["detail"]["personal"] is True
    assert console_login("oth-0001").post(f"/api/exports/{files[0]['job_id']}/link").status == 404
    # And it expires like every export
    clock.advance(days=4)
    expired = console_login("ena-0001").post(f"/api/exports/{files[0]['job_id']}/link")
    assert expired.status == 404 and "保存期間が過ぎました" in expired.json["error"]["message"]


def test_erasure_on_request_only_when_no_value_is_left_and_no_cancel_is_possible(
    city: City, world: World, rt: Runtime, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.programme(city.committee)
    committee = console_login("ena-0001")
    resident = wallet_login("hanako@example.jp")
    wallet_id = resident.get("/api/auth/me").json["user_id"]
    path = f"/api/admin/app-users/{wallet_id}/erase"
    bought = charge(committee, "P1", wallet_id, "key-erase-000000000001")
    # Given a balance: refused, saying why
    refused = committee.post(path, {"reason": "disclosure"})
    assert (
        refused.status == 409
        and refused.code == "erasure_refused"
        and "残高が13,000円" in refused.json["error"]["message"]
    )
    # Given no balance but a transaction that may still be cancelled: refused too
    assert committee.post(f"/api/admin/charges/{bought['number']}/cancel").status == 200
    recent = committee.post(path, {"reason": "disclosure"})
    assert recent.status == 409 and "90日間は取消ができる" in recent.json["error"]["message"]
    # When 91 days have passed
    clock.advance(days=91)
    committee = console_login("ena-0001")
    # A first try meets another transaction on the wallet at that moment: busy (503, try again), not 500
    real = rt.db.transact

    def conflicted(actions: list[dict[str, Any]], *, token: str | None = None) -> None:
        raise TransactionFailed(["TransactionConflict", *[None] * (len(actions) - 1)], [None] * len(actions))

    monkeypatch.setattr(rt.db, "transact", conflicted)
    busy = committee.post(path, {"reason": "disclosure"})
    assert busy.status == 503 and busy.code == "service_unavailable" and busy.headers.get("retry-after"), busy
    monkeypatch.setattr(rt.db, "transact", real)
    assert (rt.db.get(keys.wallet(wallet_id)) or {}).get("email") == "hanako@example.jp"
    erased = committee.post(path, {"reason": "disclosure"})
    assert erased.status == 200, erased
    # Then the wallet keeps its id and money records but no address; the address may sign up afresh
    assert erased.json["email"] == "(削除済み)" and erased.json["status_label"] == "個人情報削除済み"
    record = rt.db.get(keys.wallet(wallet_id))
    assert record is not None and "email" not in record and record["status"] == privacy.ERASED
    assert rt.db.get(keys.citizen_email("enacity", "hanako@example.jp")) is None
    assert rt.db.get(keys.transaction(bought["number"])) is not None
    assert resident.get("/api/wallet/home").status == 401  # its sessions ended
    again = wallet_login("hanako@example.jp").get("/api/auth/me").json["user_id"]
    assert again != wallet_id
    assert committee.post(f"/api/admin/app-users/{wallet_id}/resume").code == "erasure_refused"
    dates = "date_from=2027-02-28&date_to=2027-02-28"
    assert audited(committee, "personal_data_erased", dates)[0]["detail"]["reason_label"] == "開示請求への対応"


def run_schedule(day: str, stream: Stream) -> dict[str, Any]:
    result: dict[str, Any] = schedule.lambda_handler({"date": day}, FakeLambdaContext("shoken-schedule", 900_000))
    stream.drain()
    return result


def test_a_programmes_personal_data_goes_after_its_retention_and_never_while_it_runs(
    city: City, world: World, rt: Runtime, stream: Stream, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended = {"sale_end": "2026-12-05", "use_end": "2026-12-09"}
    world.programme(city.committee, "P1", **ended)
    world.programme(city.committee, "P2")  # runs until 2027-04
    committee = console_login("ena-0001")
    open_sale(committee, stream, {"apply_start": "2026-11-20", "apply_end": "2026-12-05", "units_on_sale": 100}, LIST)
    _, taro_id = applied("taro.yamada@example.jp", TARO, 1)
    _, hanako_id = applied("hanako@example.jp", HANAKO, 1)
    # 引換コード for both (a mailing-house CSV) and the results mail of the draw
    codes = committee.request(
        "POST", "/api/admin/programmes/P1/redemption-codes?format=csv", raw=LIST.encode(),
        content_type="application/octet-stream",
    )  # fmt: skip
    assert codes.status == 200, codes
    close_and_draw(committee, "P1", stream)
    assert committee.post("/api/admin/programmes/P1/notify").status == 200
    stream.drain()
    tagged = {
        str(i["PK"]).split("#")[0] + "#"
        for i in rt.db.query_all(index="list2", pk_name="L2PK", pk=privacy.tag_partition("P1"))
    }
    assert {privacy.REDEMPTION_CODE, privacy.SALE_RESULT_MARK, privacy.PAYMENT_REFERENCE} <= tagged, tagged
    taro_charge = charge(committee, "P1", taro_id, "key-retention-0000001")
    bought = rt.db.get(keys.transaction(taro_charge["number"])) or {}
    assert bought.get("sale_person") and bought.get("L2PK") == privacy.tag_partition("P1"), bought
    charge(committee, "P1", hanako_id, "key-retention-0000002")
    charge(committee, "P2", hanako_id, "key-retention-0000003")  # she still holds a running programme
    # Given the console's view: what goes when (default one year after the end)
    plan = {p["programme_id"]: p for p in committee.get("/api/admin/retention").json["items"]}
    assert (plan["P1"]["delete_on"], plan["P1"]["state_label"]) == ("2027-12-09", "事業実施中")
    assert plan["P1"]["rows"][0]["count"] == 2 and "取引の記録" in plan["P1"]["kept"]
    # When the committee asks for deletion while the programme runs: refused
    early = committee.post("/api/admin/programmes/P1/retention/run")
    assert early.status == 409 and early.code == "programme_running", early
    assert committee.put("/api/admin/programmes/P1/retention", {"retention_days": 5}).status == 400
    shorter = committee.put("/api/admin/programmes/P1/retention", {"retention_days": 30})
    assert shorter.json["delete_on"] == "2027-01-08"
    assert console_login("ena-0002").get("/api/admin/retention").status == 403
    # A worker run for a running programme is refused too, whoever queued it
    with pytest.raises(privacy.ProgrammeStillRunning):
        privacy.queue_retention(rt, rt.db.get(keys.programme("P1")) or {}, "2026-12-01")
    # When the programme has ended, its value lapses; nothing is deleted before the retention ends
    clock.advance(days=11)  # 2026-12-10
    assert run_schedule("2026-12-10", stream)["retention"] == []
    assert (rt.db.get(keys.programme("P1")) or {}).get("lapsed_on") == "2026-12-10"
    # When the day comes, a first run dies half-way (after the wallets, at the applications)
    clock.advance(days=29)  # 2027-01-08
    applications = next(h for h in privacy.PROGRAMME_DATA if h.prefix == privacy.APPLICATION)
    index = privacy.PROGRAMME_DATA.index(applications)

    def dies(db: Any, programme_id: str) -> Any:
        raise RuntimeError("the worker died")

    broken = (*privacy.PROGRAMME_DATA[:index], privacy.Holding(applications.prefix, applications.label, dies))
    monkeypatch.setattr(privacy, "PROGRAMME_DATA", broken)
    assert run_schedule("2027-01-08", stream)["retention"] == ["retention-P1-2027-01-08"]
    assert (rt.db.get(keys.programme("P1")) or {}).get("personal_data_deleted_on") is None
    # Then the next day's run finishes it
    monkeypatch.undo()
    clock.advance(days=1)
    assert run_schedule("2027-01-09", stream)["retention"] == ["retention-P1-2027-01-09"]
    assert (rt.db.get(keys.programme("P1")) or {}).get("personal_data_deleted_on") == "2027-01-09"
    assert rt.db.get(keys.resident_list("P1")) is None
    for kind in (
        privacy.RESIDENT, privacy.ELIGIBILITY, privacy.WALLET_ELIGIBILITY, privacy.APPLICATION,
        privacy.REDEMPTION_CODE, privacy.SALE_RESULT_MARK, privacy.PAYMENT_REFERENCE, privacy.PURCHASE_PERSON,
    ):  # fmt: skip
        left = list(rt.db.query_all(index="list2", pk_name="L2PK", pk=privacy.tag_partition("P1")))
        assert not [i for i in left if str(i["PK"]).startswith(kind)]
    assert list(rt.db.query_all(index="list1", pk_name="L1PK", pk=keys.application_list("P1"))) == []
    # Taro is done with every programme: his address is gone, his transactions stay
    taro_wallet = rt.db.get(keys.wallet(taro_id)) or {}
    assert taro_wallet["status"] == privacy.ERASED and "email" not in taro_wallet
    kept = rt.db.get(keys.transaction(taro_charge["number"])) or {}
    assert kept["amount"] == bought["amount"] and kept["sale_round"] == 1, kept
    assert "sale_person" not in kept and "L2PK" not in kept, kept  # the charge stays, its buyer's hash goes
    # Hanako still holds P2: her address stays
    assert (rt.db.get(keys.wallet(hanako_id)) or {}).get("email") == "hanako@example.jp"
    committee = console_login("ena-0001")
    plan = {p["programme_id"]: p for p in committee.get("/api/admin/retention").json["items"]}
    assert plan["P1"]["state_label"] == "削除済み" and plan["P1"]["deleted_on"] == "2027-01-09"
    assert audited(committee, "personal_data_deleted", "date_from=2027-01-09&date_to=2027-01-09")
    # And it stays deleted: no new job, no new list
    assert run_schedule("2027-01-10", stream)["retention"] == []
    refused = committee.request(
        "POST",
        "/api/admin/programmes/P1/residents",
        raw=LIST.encode(),
        content_type="application/octet-stream",
        headers={"X-File-Name": "residents.csv"},
    )
    assert refused.status == 400 and "削除済み" in refused.json["error"]["message"]
