"""マスタ一括登録: every row validated first, all or nothing, UTF-8 or Shift_JIS, large files (issue 4)."""

from __future__ import annotations

from typing import Any

import pytest

from local.streams import Stream
from shoken.db import companies, guards, jobs, stores, terminals
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login
from tests.support.client import Client
from tests.support.uploads import upload_and_run

STORE_HEADER = "企業ID,店舗名,電話番号,住所,地区,大型店,外部店舗ID,外部連携サービス名"
TERMINAL_HEADER = "店舗ID,機器名,外部端末ID,外部連携サービス名"
USER_HEADER = "権限,アクワイアラID,企業ID,店舗ID,氏名,ログインID,メールアドレス,備考"


def upload(client: Client, spec: str, data: bytes, stream: Stream) -> dict[str, Any]:
    return upload_and_run(
        client, f"/api/admin/bulk-uploads?spec={spec}", data, "master.csv", stream, "/api/admin/bulk-uploads"
    )


def store_count(rt: Runtime, company_id: str) -> int:
    return len(stores.list_for_company(rt.db, company_id))


def test_shift_jis_store_file_is_applied_in_full(city: City, rt: Runtime, stream: Stream) -> None:
    company = city.company["company_id"]
    text = "\r\n".join(
        [
            STORE_HEADER,
            f"{company},恵那パン工房,０５７３－２２－１１１１,岐阜県恵那市大井町5,大井町,0,B-1,enacity",
            f"{company},恵那スーパー,0573-22-2222,岐阜県恵那市長島町6,長島町,1,B-2,enacity",
            f"{company},恵那茶房,0573-22-3333,,大井町,,,",
        ]
    )
    committee = console_login("ena-0001")
    before = store_count(rt, company)
    job = upload(committee, "stores", text.encode("cp932"), stream)
    assert job["state"] == "done" and job["state_label"] == "完了", job
    assert job["message"] == "3件の店舗を登録しました。" and job["done_count"] == job["total_count"] == 3
    made = {s["name"]: s for s in stores.list_for_company(rt.db, company)}
    assert store_count(rt, company) == before + 3
    assert made["恵那パン工房"]["phone"] == "0573-22-1111"  # full-width digits folded
    assert made["恵那スーパー"]["large"] is True and made["恵那茶房"]["large"] is False
    audit = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&action=bulk_upload").json["items"]
    assert len(audit) == 2  # the upload, then the result


def test_user_file_with_bom_creates_users_who_can_sign_in(city: City, stream: Stream) -> None:
    store = city.store["store_id"]
    text = "\n".join(
        [
            USER_HEADER,
            f"店舗管理者,,,{store},一括 太郎,bulkuser01,bulk1@example.jp,",
            f"店舗担当者,,,{store},一括 花子,bulkuser02,bulk2@example.jp,備考あり",
        ]
    )
    job = upload(console_login("ena-0002"), "users", ("\ufeff" + text).encode(), stream)
    assert job["state"] == "done", job
    device = Client("merchant")
    device.post("/api/merchant/terminal/bind", {"terminal_id": city.terminal["terminal_id"], "password": "5282"})
    assert (
        device.post("/api/merchant/login", {"login_id": "bulkuser02", "password": "bulkuser02"}).json["next"]
        == "change_password"
    )


def test_every_bad_row_is_reported_and_nothing_is_written(city: City, rt: Runtime, stream: Stream) -> None:
    company = city.company["company_id"]
    text = "\n".join(
        [
            STORE_HEADER,
            f"{company},良い店,0573-00-0001,,,0,OK-1,",
            f"{company},電話が変,でんわ,,,0,OK-2,",
            "99999,知らない企業,0573-00-0003,,,0,OK-3,",
            f"{company},大型店かな,0573-00-0004,,,たぶん,OK-4,",
            f"{company},重複,0573-00-0005,,,0,OK-1,",
            f"{company},,0573-00-0006,,,0,OK-6,",
            f"{company},列が多い,0573-00-0007,,,0,OK-7,,余分",
        ]
    )
    before = store_count(rt, company)
    job = upload(console_login("ena-0001"), "stores", text.encode(), stream)
    assert job["state"] == "failed" and job["error_count"] == 6, job
    assert [(e["line"], e["column"]) for e in job["errors"]] == [
        (3, "電話番号"),
        (4, "企業ID"),
        (5, "大型店"),
        (6, "外部店舗ID"),
        (7, "店舗名"),
        (8, ""),
    ]
    assert "2行目" in job["errors"][3]["reason"]
    assert store_count(rt, company) == before
    assert guards.owner_of(rt.db, "store", "OK-1") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\xfd\x80\x81", "文字コード"),
        ("店舗名,企業ID\nx,y".encode(), "見出し行"),
        (b"\n\n", "空"),
        (f'{TERMINAL_HEADER}\n"9000001,unterminated'.encode(), "CSV"),
    ],
)
def test_files_that_are_not_the_expected_csv_are_refused(city: City, stream: Stream, data: bytes, message: str) -> None:
    client = console_login("ena-0001")
    reply = client.request(
        "POST", "/api/admin/bulk-uploads?spec=terminals", raw=data, content_type="application/octet-stream"
    )
    if reply.status == 400:
        assert message in reply.json["error"]["message"]
        return
    stream.drain()
    job = client.get(f"/api/admin/bulk-uploads/{reply.json['job_id']}").json
    assert job["state"] == "failed" and message in job["message"], job


def test_an_error_on_row_10001_is_reported_with_its_line_and_nothing_is_written(
    city: City, rt: Runtime, stream: Stream
) -> None:
    store = city.store["store_id"]
    lines = (
        [TERMINAL_HEADER]
        + [f"{store},端末{n},T{n:06d},enacity" for n in range(10_000)]
        + [f"{store},最後の端末,T000005,enacity"]
    )
    client = console_login("ena-0002")
    job = upload(client, "terminals", "\n".join(lines).encode(), stream)
    assert job["state"] == "failed" and job["total_count"] == 10_001, job
    assert job["errors"] == [
        {"line": 10_002, "column": "外部端末ID", "reason": "ファイル内で重複しています (7行目と同じ値です)。"}
    ]
    assert len(list(rt.db.query_all(index="list1", pk_name="L1PK", pk=terminals.store_list_pk(store)))) == 1


def test_a_clash_found_while_applying_is_undone(
    city: City, rt: Runtime, stream: Stream, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers import bulk

    store = city.store["store_id"]
    rt.db.batch_put([guards.item("terminal", "enacity#TAKEN", "000000999999")])
    monkeypatch.setattr(bulk, "_taken", lambda rt, values: set())  # as if another admin took it after validation
    text = "\n".join(
        [TERMINAL_HEADER, f"{store},a,FREE-1,enacity", f"{store},b,TAKEN,enacity", f"{store},c,FREE-2,enacity"]
    )
    job = upload(console_login("ena-0002"), "terminals", text.encode(), stream)
    assert job["state"] == "failed" and job["errors"][0]["line"] == 3, job
    assert guards.owner_of(rt.db, "terminal", "enacity#FREE-1") is None  # our claims were released
    assert guards.owner_of(rt.db, "terminal", "enacity#TAKEN") == "000000999999"
    assert len(list(rt.db.query_all(index="list1", pk_name="L1PK", pk=terminals.store_list_pk(store)))) == 1


def test_a_long_job_pauses_and_the_stream_continues_it(
    city: City, rt: Runtime, stream: Stream, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers import bulk
    from workers import jobs as runners

    store = city.store["store_id"]
    lines = [TERMINAL_HEADER] + [f"{store},端末{n},P{n:05d},enacity" for n in range(1_200)]
    client = console_login("ena-0002")
    reply = client.request(
        "POST",
        "/api/admin/bulk-uploads?spec=terminals",
        raw="\n".join(lines).encode(),
        content_type="application/octet-stream",
    )
    job_id = reply.json["job_id"]
    calls = {"n": 0}
    original = bulk.run

    def run_with_short_laps(rt: Runtime, job: dict[str, Any], should_pause: Any) -> None:
        def pause_every_other_check() -> bool:
            calls["n"] += 1
            return calls["n"] % 2 == 0

        original(rt, job, pause_every_other_check)

    monkeypatch.setattr(runners, "runners", lambda: {"bulk_upload": run_with_short_laps})
    stream.drain()
    record = jobs.get(rt.db, job_id)
    assert record and record["state"] == "done" and int(record["lap"]) >= 2, record
    assert len(list(rt.db.query_all(index="list1", pk_name="L1PK", pk=terminals.store_list_pk(store)))) == 1 + 1_200


def test_who_may_upload_what(city: City, stream: Stream) -> None:
    company_admin = console_login("ena-0002")
    refused = company_admin.request(
        "POST",
        "/api/admin/bulk-uploads?spec=stores",
        raw=STORE_HEADER.encode(),
        content_type="application/octet-stream",
    )
    assert refused.status == 403
    specs = {s["spec"] for s in company_admin.get("/api/admin/bulk-specs").json["specs"]}
    assert specs == {"terminals", "users", "payout_accounts"}
    other = console_login("ena-0009")  # another company's admin cannot register terminals for our store
    text = "\n".join([TERMINAL_HEADER, f"{city.store['store_id']},a,,"])
    job = upload(other, "terminals", text.encode(), stream)
    assert job["state"] == "failed" and job["errors"][0]["column"] == "店舗ID"


def test_companies_go_only_where_the_form_would_put_them(city: City, rt: Runtime, stream: Stream) -> None:
    header = "アクワイアラID,企業名,企業名カナ,電話番号,住所,代表者名,外部企業ID"
    committee = console_login("ena-0001")
    # A committee admin naming another city's committee is refused, as the form refuses it.
    across = upload(committee, "companies", f"{header}\n2,越境企業,,,,,\n".encode(), stream)
    assert across["state"] == "failed", across
    assert across["errors"] == [{"line": 2, "column": "アクワイアラID", "reason": "権限の範囲外のアクワイアラです。"}]
    assert all(c["name"] != "越境企業" for c in companies.list_for_committee(rt.db, "2"))
    # Naming their own committee, or none, places the company there.
    done = upload(committee, "companies", f"{header}\n1,恵那木工,,,,,\n,恵那陶器,,,,,EXT-9\n".encode(), stream)
    assert done["state"] == "done", done
    mine = {c["name"]: c for c in companies.list_for_committee(rt.db, "1")}
    assert {"恵那木工", "恵那陶器"} <= set(mine) and mine["恵那陶器"]["external_company_id"] == "EXT-9"
    # The system admin may name any committee, but not one that does not exist.
    system = console_login("sysadmin01")
    assert upload(system, "companies", f"{header}\n2,他市企業,,,,,\n".encode(), stream)["state"] == "done"
    missing = upload(system, "companies", f"{header}\n99,幽霊企業,,,,,\n".encode(), stream)
    assert missing["errors"][0]["column"] == "アクワイアラID"


def test_the_template_teaches_itself_and_the_result_lists_the_new_ids(city: City, rt: Runtime, stream: Stream) -> None:
    """Issue 14.10: the template has the allowed values and an example (# lines, skipped on upload);
    a finished upload lists each created ID beside its line."""
    committee = console_login("ena-0001")
    reply = committee.get("/api/admin/bulk-specs/stores/template.csv")
    assert reply.status == 200 and 'filename="stores-template.csv"' in reply.headers["content-disposition"]
    text = reply.body.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == STORE_HEADER
    assert any("大型店: 1 = 大型店" in line for line in lines) and any("# 記入例" in line for line in lines)
    assert all(line.startswith(("#", '"#')) for line in lines[1:])
    specs = committee.get("/api/admin/bulk-specs").json["specs"]
    assert any("地区" in n for s in specs if s["spec"] == "stores" for n in s["notes"])
    assert console_login("ena-0002").get("/api/admin/bulk-specs/stores/template.csv").status == 404  # not theirs

    company = city.company["company_id"]
    filled = text + f"{company},恵那そば処,0573-22-4444,岐阜県恵那市大井町7,大井町,0,B-9,enacity\r\n"
    job = upload(committee, "stores", filled.encode(), stream)
    assert job["state"] == "done" and job["total_count"] == 1, job
    made = {s["name"]: s for s in stores.list_for_company(rt.db, company)}
    assert job["created"] == [{"line": len(lines) + 1, "id": made["恵那そば処"]["store_id"], "name": "恵那そば処"}]
    assert "エーナ食堂 駅前店" not in made  # the example row was not registered
