"""Issue 18: the committee's contact and the stage badge on every screen, notices, expiry reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from shoken import money
from shoken.clock import JST, FrozenClock, jst_date
from shoken.db import committees
from shoken.runtime import Runtime
from tests.integration.conftest import City, merchant_login, wallet_login
from tests.support.client import Client
from tests.support.world import World


def audited(rt: Runtime, client: Client, action: str) -> list[dict]:
    today = jst_date(rt.clock.now())
    return list(client.get(f"/api/admin/audit?date_from={today}&date_to={today}&action={action}").json["items"])


# --- contact and stage --------------------------------------------------------------------------------
def test_site_names_the_stage_and_each_committees_contact_which_its_admin_edits(
    rt: Runtime, city: City, as_console: Callable[[str], Client]
) -> None:
    # Given the committee admin of city 1
    admin = as_console("ena-0001")
    # When they set the contact
    path = f"/api/admin/committees/{city.committee['committee_id']}/contact"
    reply = admin.put(
        path, {"name": "恵那市商品券事業実行委員会", "contact_phone": "0573-54-2902", "contact_hours": "平日8:30~17:00"}
    )
    assert reply.status == 200, reply
    # Then every sign-in screen's /api/site carries it, with the stage badge (not prod)
    site = Client("wallet").get("/api/site").json
    assert site["stage"] == "local" and site["stage_label"] == "ローカル"
    ena = next(c for c in site["committees"] if c["committee_id"] == city.committee["committee_id"])
    assert (ena["name"], ena["contact_phone"], ena["contact_hours"]) == (
        "恵那市商品券事業実行委員会",
        "0573-54-2902",
        "平日8:30~17:00",
    )
    assert admin.get(path).json["contact_phone"] == "0573-54-2902"
    assert [e["target_id"] for e in audited(rt, admin, "committee_contact_updated")] == [city.committee["committee_id"]]
    # A bad phone number or an empty name is refused in Japanese and nothing is written
    bad = admin.put(path, {"name": "", "contact_phone": "call me<script>"})
    assert bad.status == 400 and {d["field"].split(".")[-1] for d in bad.json["error"]["details"]} >= {
        "name",
        "contact_phone",
    }
    assert all(d["reason_ja"] for d in bad.json["error"]["details"])
    assert admin.get(path).json["name"] == "恵那市商品券事業実行委員会"
    # Another committee's admin cannot read or change it; a company admin reads but cannot change
    other = as_console("oth-0001")
    assert other.get(path).status == 404 and other.put(path, {"name": "乗っ取り"}).status == 404
    company = as_console("ena-0002")
    assert company.get(path).status == 200 and company.put(path, {"name": "x"}).status == 403


def test_prod_shows_no_stage_badge() -> None:
    from auth.site import stage_label

    assert stage_label("prod") is None
    assert stage_label("dev") == "開発" and stage_label("local") == "ローカル"


# --- notices ------------------------------------------------------------------------------------------
def notice(title: str, audience: str, start: str, end: str, **extra: str) -> dict[str, str]:
    return {
        "title": title,
        "body": f"{title}の本文",
        "start_date": start,
        "end_date": end,
        "audience": audience,
    } | extra


def days(rt: Runtime, n: int) -> str:
    return (rt.clock.now() + timedelta(days=n)).astimezone(JST).date().isoformat()


def titles(client: Client, path: str) -> dict[str, bool]:
    reply = client.get(path)
    assert reply.status == 200, reply
    return {item["title"]: item["unread"] for item in reply.json["items"]}


def test_each_reader_sees_exactly_the_notices_of_their_audience_and_marks_clear_per_reader(
    rt: Runtime, world: World, city: City, as_console: Callable[[str], Client]
) -> None:
    # Given a committee with two programmes, stores in two areas and a resident holding only P1
    committees.add_areas(rt.db, "1", {"大井町", "岩村町"})
    world.programme(city.committee, "P1")
    world.programme(city.committee, "P2")
    terms = money.ProgrammeTerms("P1", 10_000, {money.VoucherType.COMMON: 13_000}, days(rt, -5), days(rt, 60))
    world.wallet(city.committee, "holder@example.jp", buckets=money.purchase_buckets(terms, 1, source="s1", created_at=world.now))  # fmt: skip
    world.wallet(city.committee, "plain@example.jp")
    iwamura = dict(city.other_store, area="岩村町")
    world.put(iwamura)
    admin = as_console("ena-0001")
    today, later = days(rt, 0), days(rt, 10)
    for body in (
        notice("全員へ", "residents", today, later),
        notice("P1保有者へ", "programme", today, later, programme_id="P1"),
        notice("P2保有者へ", "programme", today, later, programme_id="P2"),
        notice("加盟店へ", "merchants", today, later),
        notice("大井町の店へ", "area", today, later, area="大井町"),
        notice("明日から", "residents", days(rt, 1), later),
    ):
        assert admin.post("/api/admin/notices", body).status == 200
    assert as_console("oth-0001").post("/api/admin/notices", notice("他市", "residents", today, later)).status == 200
    holder, plain = wallet_login("holder@example.jp"), wallet_login("plain@example.jp")
    oi_shop = merchant_login(city.terminal, "shopuser01")
    iwamura_shop = merchant_login(city.other_terminal, "shopuser02")

    # Then each reader sees what their audience is sent today, all unread
    assert titles(holder, "/api/wallet/notices") == {"全員へ": True, "P1保有者へ": True}
    assert titles(plain, "/api/wallet/notices") == {"全員へ": True}
    assert titles(oi_shop, "/api/merchant/notices") == {"加盟店へ": True, "大井町の店へ": True}
    assert titles(iwamura_shop, "/api/merchant/notices") == {"加盟店へ": True}
    assert holder.get("/api/wallet/notices").json["unread_count"] == 2

    # When the holder opens one, its mark clears for the holder only
    first = next(i for i in holder.get("/api/wallet/notices").json["items"] if i["title"] == "全員へ")
    assert holder.post(f"/api/wallet/notices/{first['notice_id']}/read").json["unread"] is False
    assert titles(holder, "/api/wallet/notices") == {"全員へ": False, "P1保有者へ": True}
    assert titles(plain, "/api/wallet/notices") == {"全員へ": True}
    # A notice the reader is not sent cannot be marked (nor probed): not found
    p2 = next(i for i in admin.get("/api/admin/notices").json["items"] if i["title"] == "P2保有者へ")
    assert holder.post(f"/api/wallet/notices/{p2['notice_id']}/read").status == 404
    assert oi_shop.post(f"/api/merchant/notices/{first['notice_id']}/read").status == 404

    # When the committee edits one and withdraws another, readers see it at once; every change is audited
    edited = admin.put(f"/api/admin/notices/{first['notice_id']}", notice("全員へ(訂正)", "residents", today, later))
    assert edited.status == 200, edited
    assert admin.post(f"/api/admin/notices/{p2['notice_id']}/withdraw").json["status_label"] == "取下げ"
    assert set(titles(holder, "/api/wallet/notices")) == {"全員へ(訂正)", "P1保有者へ"}
    assert admin.post(f"/api/admin/notices/{p2['notice_id']}/withdraw").code == "notice_closed"
    assert len(audited(rt, admin, "notice_created")) == 6
    assert [e["target_id"] for e in audited(rt, admin, "notice_updated")] == [first["notice_id"]]
    assert [e["target_id"] for e in audited(rt, admin, "notice_withdrawn")] == [p2["notice_id"]]


def test_a_notice_with_bad_input_is_refused_in_japanese_and_nothing_is_written(
    rt: Runtime, world: World, city: City, as_console: Callable[[str], Client]
) -> None:
    world.programme(city.other_committee, "P9")
    admin = as_console("ena-0001")
    today, later = days(rt, 0), days(rt, 10)
    cases = {
        "end before start": (notice("逆", "residents", later, today), "掲載終了日が掲載開始日より前です"),
        "empty body": (notice("空", "residents", today, later) | {"body": "   \n "}, "本文を入力してください"),
        "unknown audience": (notice("誰", "everyone", today, later), "お知らせの対象は"),
        "another city's programme": (notice("他", "programme", today, later, programme_id="P9"), "商品券事業を選択"),
        "unknown area": (notice("地", "area", today, later, area="月面"), "地区"),
        "ended already": (notice("昔", "residents", days(rt, -9), days(rt, -1)), "過去の日付"),
    }
    for name, (body, words) in cases.items():
        reply = admin.post("/api/admin/notices", body)
        assert reply.status == 400, (name, reply)
        assert words in reply.json["error"]["message"] + str(reply.json["error"].get("details")), (name, reply)
    assert admin.get("/api/admin/notices").json["items"] == []
    # Script in the body is kept as the text it is (the apps show it as text, never as markup)
    script = "<script>alert(1)</script> 詳しくは https://example.jp/a?b=1 を御覧ください"
    made = admin.post("/api/admin/notices", notice("表示", "residents", today, later) | {"body": script})
    assert made.status == 200 and made.json["body"] == script


def test_a_notice_that_has_ended_can_no_longer_be_edited_or_withdrawn(
    rt: Runtime, clock: FrozenClock, city: City, as_console: Callable[[str], Client]
) -> None:
    admin = as_console("ena-0001")
    made = admin.post("/api/admin/notices", notice("短い", "merchants", days(rt, 0), days(rt, 1))).json
    clock.advance(days=2)
    admin = as_console("ena-0001")
    assert admin.get(f"/api/admin/notices/{made['notice_id']}").json["status_label"] == "掲載終了"
    body = notice("延長", "merchants", days(rt, 0), days(rt, 5))
    assert admin.put(f"/api/admin/notices/{made['notice_id']}", body).code == "notice_closed"
    assert admin.post(f"/api/admin/notices/{made['notice_id']}/withdraw").code == "notice_closed"
    assert titles(merchant_login(city.terminal, "shopuser01"), "/api/merchant/notices") == {}
