"""住民名簿 (issues 15.1, 23.1, 23.2): a programme's resident list is checked whole, stored only as keyed
hashes, replaced with a diff report, searched at the counter with a reason, and its file deleted."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from local.streams import Stream
from shoken.clock import FrozenClock
from shoken.db import keys
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login
from tests.support.client import Client
from tests.support.sale import upload_residents as upload
from tests.support.world import World

HEADER = "住民番号,氏名カナ,生年月日"
ROWS = ["A-0001,ヤマダ タロウ,1980-04-01", "A-0002,スズキ ハナコ,1975/12/3", "a-0003,ｻﾄｳ ｼﾞﾛｳ,19920229"]
TODAY = "date_from=2026-11-29&date_to=2026-11-29"


def stored(rt: Runtime, programme_id: str) -> list[dict[str, Any]]:
    current = rt.db.get(keys.resident_list(programme_id))
    assert current is not None
    pk = keys.resident(programme_id, str(current["generation"]), "")[0]
    return list(rt.db.query_all(pk_name="PK", pk=pk))


def uploads_left(rt: Runtime) -> list[str]:
    listing = rt.s3.list_objects_v2(Bucket=rt.config.upload_bucket, Prefix="residents/")  # type: ignore[attr-defined]
    return [o["Key"] for o in listing.get("Contents", [])]


def search(client: Client, programme_id: str, **fields: str) -> Any:
    body = {
        "resident_key": "A-0001",
        "name_kana": "ヤマダ タロウ",
        "birth_date": "1980-04-01",
        "reason": "counter_identity",
    }
    return client.post(f"/api/admin/programmes/{programme_id}/residents/search", body | fields)


def test_a_shift_jis_list_is_kept_only_as_keyed_hashes_and_its_file_is_deleted(
    city: City, world: World, rt: Runtime, stream: Stream
) -> None:
    # Given a programme and a Shift_JIS resident list with half-width kana and three date spellings
    world.programme(city.committee)
    committee = console_login("ena-0001")
    # When the committee admin uploads it
    job = upload(committee, "P1", "\r\n".join([HEADER, *ROWS]).encode("cp932"), stream)
    # Then all three are listed, and each is stored only as the HMAC of its normalised fields
    assert job["state"] == "done", job
    assert job["diff"] == {"added": 3, "removed": 0, "unchanged": 0, "added_lines": [2, 3, 4]}
    items = stored(rt, "P1")
    assert len(items) == 3

    def mac(*fields: str) -> str:
        message = "\x1f".join(("resident-v1", "P1", *fields)).encode()
        return "H#" + hmac.new(rt.resident_key, message, hashlib.sha256).hexdigest()

    assert {i["SK"] for i in items} == {
        mac("A-0001", "ヤマダタロウ", "1980-04-01"),
        mac("A-0002", "スズキハナコ", "1975-12-03"),
        mac("A-0003", "サトウジロウ", "1992-02-29"),
    }
    assert all(set(i) == {"PK", "SK", "kind"} for i in items)  # no name, date or key beside the hash
    assert uploads_left(rt) == []  # the uploaded file is gone
    status = committee.get("/api/admin/programmes/P1/residents").json
    assert status["listed"] is True and status["count"] == 3 and status["file_name"] == "residents.csv"


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(
    city: City, world: World, rt: Runtime, stream: Stream
) -> None:
    # Given a list already in place
    world.programme(city.committee)
    committee = console_login("ena-0001")
    assert upload(committee, "P1", "\n".join([HEADER, ROWS[0]]).encode(), stream)["state"] == "done"
    # When a replacement has bad kana, an impossible date, an empty key, a short row and a repeated key
    text = "\n".join(
        [
            HEADER,
            "B-1,Yamada Taro,1980-04-01",
            "B-2,タナカ,1990-02-29",
            ",タナカ,1990-01-01",
            "B-4,タナカ",
            "B-5,イトウ,1990-01-01",
            "b-5,イトウ,1990-01-02",
        ]
    )
    job = upload(committee, "P1", text.encode(), stream)
    # Then each is named by line and column, no value is repeated back, and the old list stays whole
    assert job["state"] == "failed" and job["error_count"] == 5, job
    assert [(e["line"], e["column"]) for e in job["errors"]] == [
        (2, "氏名カナ"),
        (3, "生年月日"),
        (4, "住民番号"),
        (5, ""),
        (7, "住民番号"),
    ]
    assert "6行目" in job["errors"][4]["reason"]
    assert not any("Yamada" in e["reason"] or "1990" in e["reason"] for e in job["errors"])
    assert "名簿は変わっていません" in job["message"]
    assert len(stored(rt, "P1")) == 1
    assert uploads_left(rt) == []


def test_columns_the_programme_does_not_need_are_refused_by_name(
    city: City, world: World, rt: Runtime, stream: Stream
) -> None:
    world.programme(city.committee)
    committee = console_login("ena-0001")
    # When a register extract still carries the address and household columns
    text = "住民番号,氏名カナ,生年月日,住所,世帯番号\nA-0001,ヤマダ タロウ,1980-04-01,恵那市大井町1,H-1\n"
    job = upload(committee, "P1", text.encode(), stream)
    # Then it is refused, naming them, and nothing is kept (not even the file)
    assert job["state"] == "failed"
    assert "住所, 世帯番号" in job["message"] and "取り込みませんでした" in job["message"]
    assert rt.db.get(keys.resident_list("P1")) is None and uploads_left(rt) == []
    # And a file missing a needed column says which columns it needs
    job = upload(committee, "P1", "住民番号,氏名カナ\nA-1,ヤマダ\n".encode(), stream)
    assert job["state"] == "failed" and "住民番号, 氏名カナ, 生年月日" in job["message"]


def test_a_re_upload_replaces_the_list_and_reports_the_difference(
    city: City, world: World, rt: Runtime, stream: Stream
) -> None:
    world.programme(city.committee)
    committee = console_login("ena-0001")
    first = upload(committee, "P1", "\n".join([HEADER, *ROWS]).encode(), stream)
    old_generation = rt.db.get(keys.resident_list("P1"))["generation"]  # type: ignore[index]
    # When the next list drops Suzuki and adds Ito (columns in another order)
    text = "\n".join(
        [
            "生年月日,住民番号,氏名カナ",
            "1980-04-01,A-0001,やまだ　たろう",
            "1992-02-29,A-0003,サトウ ジロウ",
            "2001-01-01,A-0004,イトウ サクラ",
        ]
    )
    job = upload(committee, "P1", text.encode("utf-8-sig"), stream)
    # Then the diff counts 1 added (line 4), 1 removed, 2 unchanged and only the new generation remains
    assert job["diff"] == {"added": 1, "removed": 1, "unchanged": 2, "added_lines": [4]}, job
    assert "追加 1人・削除 1人・変更なし 2人" in job["message"]
    assert len(stored(rt, "P1")) == 3
    old_pk = keys.resident("P1", str(old_generation), "")[0]
    assert list(rt.db.query_all(pk_name="PK", pk=old_pk)) == []
    listed = [u["job_id"] for u in committee.get("/api/admin/programmes/P1/resident-uploads").json["items"]]
    assert set(listed) == {first["job_id"], job["job_id"]}
    assert (
        search(committee, "P1", resident_key="A-0002", name_kana="スズキ ハナコ", birth_date="1975-12-03").json[
            "listed"
        ]
        is False
    )


def test_the_counter_search_hashes_what_is_typed_and_audits_the_reason_only(
    city: City, world: World, rt: Runtime, stream: Stream
) -> None:
    world.programme(city.committee)
    committee = console_login("ena-0001")
    assert search(committee, "P1").json["error"]["code"] == "resident_list_missing"  # no list yet
    upload(committee, "P1", "\n".join([HEADER, *ROWS]).encode(), stream)
    # When the clerk types the name in hiragana with full-width digits
    found = search(committee, "P1", resident_key="ａ－０００１", name_kana="やまだ たろう", birth_date="１９８０/４/１")
    assert found.status == 200 and found.json == {"listed": True, "message": "名簿に登録されています。"}
    # A different birth date does not match
    assert search(committee, "P1", birth_date="1980-04-02").json["listed"] is False
    # Without a reason from the list, or with a value that is not kana, nothing is searched
    assert search(committee, "P1", reason="curious").json["error"]["code"] == "reason_required"
    bad = search(committee, "P1", name_kana="Yamada")
    assert bad.status == 400 and "カタカナ" in bad.json["error"]["message"]
    # Every search is in the audit log with who and why, never with what was typed
    entries = committee.get(f"/api/admin/audit?{TODAY}&action=resident_searched").json["items"]
    assert len(entries) == 2
    text = str(entries)
    assert "窓口での本人確認" in text and "ena-0001" in text
    assert not any(typed in text for typed in ("ヤマダ", "やまだ", "1980", "A-0001", "ａ－０００１"))


def test_only_the_programmes_committee_level_may_upload_or_search(
    city: City, world: World, rt: Runtime, stream: Stream
) -> None:
    world.programme(city.committee)
    data = "\n".join([HEADER, *ROWS]).encode()
    for login in ("ena-0002", "ena-0003"):
        client = console_login(login)
        assert (
            client.request("POST", "/api/admin/programmes/P1/residents", raw=data, content_type="text/csv").status
            == 403
        )
        assert search(client, "P1").status == 403
    other = console_login("oth-0001")
    assert other.request("POST", "/api/admin/programmes/P1/residents", raw=data, content_type="text/csv").status == 404
    assert search(other, "P1").status == 404
    assert other.get("/api/admin/programmes/P1/residents").status == 404
    assert uploads_left(rt) == []
    system = console_login("sysadmin01")
    assert upload(system, "P1", data, stream)["state"] == "done"


class LapDied(BaseException):
    """The Lambda timed out: nothing in the lap catches it (as nothing runs after a real time-out)."""


def test_a_re_upload_whose_lap_died_after_the_switch_keeps_the_new_list_when_it_resumes(
    city: City, world: World, rt: Runtime, stream: Stream, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shoken.db import residents as resident_items
    from workers import schedule

    # Given a programme's list, and a new list whose lap switches to it and then dies deleting the old one
    world.programme(city.committee)
    committee = console_login("ena-0001")
    upload(committee, "P1", "\n".join([HEADER, *ROWS]).encode(), stream)
    old_generation = str(rt.db.get(keys.resident_list("P1"))["generation"])  # type: ignore[index]
    delete = resident_items.delete_generation

    def dies(*args: Any) -> int:
        raise LapDied()

    monkeypatch.setattr(resident_items, "delete_generation", dies)
    text = "\n".join([HEADER, *ROWS[:2]])
    reply = committee.request(
        "POST",
        "/api/admin/programmes/P1/residents",
        raw=text.encode(),
        content_type="application/octet-stream",
        headers={"X-File-Name": "residents.csv"},
    )
    with pytest.raises(LapDied):
        stream.drain()
    new_generation = str(rt.db.get(keys.resident_list("P1"))["generation"])  # type: ignore[index]
    assert new_generation == reply.json["job_id"] != old_generation
    # When the schedule gives the job a new lap after its lease has passed
    monkeypatch.setattr(resident_items, "delete_generation", delete)
    clock.advance(minutes=21)
    assert schedule.resume_stalled(rt) == [reply.json["job_id"]]
    stream.drain()
    # Then the list made current stays, whole; only the old generation is gone; the job reports the diff
    assert str(rt.db.get(keys.resident_list("P1"))["generation"]) == new_generation  # type: ignore[index]
    assert len(stored(rt, "P1")) == 2
    assert list(rt.db.query_all(pk_name="PK", pk=keys.resident("P1", old_generation, "")[0])) == []
    job = committee.get(f"/api/admin/programmes/P1/resident-uploads/{reply.json['job_id']}").json
    assert job["state"] == "done" and job["diff"]["removed"] == len(ROWS) - 2, job


def _post(committee: Client, text: str) -> str:
    reply = committee.request(
        "POST", "/api/admin/programmes/P1/residents", raw=text.encode(), content_type="application/octet-stream",
        headers={"X-File-Name": "residents.csv"},
    )  # fmt: skip
    assert reply.status == 200, reply
    return str(reply.json["job_id"])


def throttle(operation: str) -> Any:
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, operation)


def test_an_import_an_aws_error_stops_before_its_switch_leaves_no_hashes_behind(
    city: City, world: World, rt: Runtime, stream: Stream, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers import residents as worker

    # Given an import writing one hash a batch, whose third batch is throttled past its retries
    world.programme(city.committee)
    committee = console_login("ena-0001")
    monkeypatch.setattr(worker, "CHUNK", 1)
    real, batches = rt.db.batch_put, []

    def third_throttled(items: Any) -> None:
        items = list(items)
        batches.append(items)
        if len(batches) == 3:
            raise throttle("BatchWriteItem")
        real(items)

    monkeypatch.setattr(rt.db, "batch_put", third_throttled)
    job_id = _post(committee, "\n".join([HEADER, *ROWS]))
    stream.drain()
    # Then the job failed, no list was made, and neither the two hashes it wrote nor the file are kept
    job = committee.get(f"/api/admin/programmes/P1/resident-uploads/{job_id}").json
    assert job["state"] == "failed" and rt.db.get(keys.resident_list("P1")) is None
    assert list(rt.db.query_all(pk_name="PK", pk=keys.resident("P1", job_id, "")[0])) == []
    assert uploads_left(rt) == []


def test_an_import_an_aws_error_stops_after_its_switch_finishes_on_its_next_lap(
    city: City, world: World, rt: Runtime, stream: Stream, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shoken.db import residents as resident_items

    # Given a list, and a new one whose deletion of the old list is throttled once, after the switch
    world.programme(city.committee)
    committee = console_login("ena-0001")
    upload(committee, "P1", "\n".join([HEADER, *ROWS]).encode(), stream)
    old_generation = str(rt.db.get(keys.resident_list("P1"))["generation"])  # type: ignore[index]
    real, tries = resident_items.delete_generation, []

    def throttled_once(*args: Any) -> int:
        tries.append(args)
        if len(tries) == 1:
            raise throttle("BatchWriteItem")
        return real(*args)

    monkeypatch.setattr(resident_items, "delete_generation", throttled_once)
    job_id = _post(committee, "\n".join([HEADER, ROWS[0]]))
    stream.drain()
    # Then the job took another lap: done, the old list deleted, the diff reported and the upload audited
    job = committee.get(f"/api/admin/programmes/P1/resident-uploads/{job_id}").json
    assert job["state"] == "done" and job["diff"]["removed"] == 2, job
    assert str(rt.db.get(keys.resident_list("P1"))["generation"]) == job_id  # type: ignore[index]
    assert list(rt.db.query_all(pk_name="PK", pk=keys.resident("P1", old_generation, "")[0])) == []
    assert uploads_left(rt) == []


def test_an_import_queued_before_the_retention_run_writes_no_list_after_it(
    city: City, world: World, rt: Runtime, stream: Stream
) -> None:
    # Given an upload accepted, and the programme's personal data deleted before its job runs
    world.programme(city.committee)
    committee = console_login("ena-0001")
    job_id = _post(committee, "\n".join([HEADER, *ROWS]))
    programme = rt.db.get(keys.programme("P1"))
    assert programme is not None
    rt.db.put({**programme, "personal_data_deleted_on": "2026-12-01"})
    stream.drain()
    # Then the job fails with its reason and nothing of the list is written
    job = committee.get(f"/api/admin/programmes/P1/resident-uploads/{job_id}").json
    assert job["state"] == "failed" and "削除済み" in job["message"], job
    assert rt.db.get(keys.resident_list("P1")) is None
    assert list(rt.db.query_all(pk_name="PK", pk=keys.resident("P1", job_id, "")[0])) == []
    assert uploads_left(rt) == []
