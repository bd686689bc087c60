"""企業 / 店舗 / 端末 in the console: create, edit, list, detail, scope, bad input, audit (issue 4)."""

from __future__ import annotations

import pytest

from shoken.db import committees, companies, keys
from shoken.db.dynamo import Expr
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, merchant_login, wallet_login
from tests.support.client import Client
from tests.support.races import THREADS, race
from tests.support.world import World


def test_committee_registers_a_company_store_and_terminal_with_manual_ids(city: City) -> None:
    committee = console_login("ena-0001")
    company = committee.post(
        "/api/admin/companies", {"name": "恵那新規商店", "phone": "0573-11-2222", "external_company_id": "C-777"}
    )
    assert company.status == 200, company
    assert len(company.json["company_id"]) == 5 and company.json["committee_id"] == "1"

    store = committee.post(
        "/api/admin/stores",
        {
            "company_id": company.json["company_id"],
            "name": "新規店",
            "phone": "0573-11-3333",
            "area": "長島町",
            "large": True,
            "external_store_id": "S-777",
        },
    )
    assert store.status == 200, store
    assert len(store.json["store_id"]) == 7 and store.json["voucher_types"] == "共通券のみ"
    assert store.json["company_name"] == "恵那新規商店"

    terminal = committee.post(
        "/api/admin/terminals",
        {
            "store_id": store.json["store_id"],
            "device_name": "iPhone 14",
            "external_terminal_id": "99999901",
            "external_service_name": "enacity",
        },
    )
    assert terminal.status == 200, terminal
    detail = committee.get(f"/api/admin/terminals/{terminal.json['terminal_id']}").json
    assert len(detail["terminal_id"]) == 12 and len(detail["password"]) == 4
    assert (
        detail["use_type"] == "加盟店アプリ"
        and detail["store_name"] == "新規店"
        and detail["company_name"] == "恵那新規商店"
    )
    assert detail["external_terminal_id"] == "99999901" and detail["external_service_name"] == "enacity"

    # The terminal works in the merchant app with the id and password 端末詳細 shows.
    device = Client("merchant")
    info = device.post(
        "/api/merchant/terminal/check", {"terminal_id": detail["terminal_id"], "password": detail["password"]}
    )
    assert info.json["store_name"] == "新規店"

    audit = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29").json["items"]
    assert {"company_created", "store_created", "terminal_created"} <= {e["action"] for e in audit}


def test_ids_are_unique_when_created_one_after_another(city: City) -> None:
    committee = console_login("ena-0001")
    made = [committee.post("/api/admin/companies", {"name": f"企業{n}"}).json["company_id"] for n in range(5)]
    assert len(set(made)) == 5


def test_ids_are_unique_when_created_at_the_same_moment(city: City, rt: Runtime) -> None:
    admin = console_login("ena-0001")
    clients = [Client("admin", cookies=dict(admin.cookies), csrf=admin.csrf) for _ in range(THREADS)]
    replies = race(lambda n: clients[n].post("/api/admin/companies", {"name": f"同時企業{n}"}))
    assert all(r.status == 200 for r in replies), replies
    made = {r.json["company_id"] for r in replies}
    assert len(made) == THREADS
    assert made <= {c["company_id"] for c in companies.list_for_committee(rt.db, "1")}


def test_a_new_store_area_is_offered_to_citizens_at_once(city: City, rt: Runtime) -> None:
    committee = console_login("ena-0001")
    body = {"company_id": city.company["company_id"], "name": "新地区の店", "phone": "0573-00-0000", "area": "岩村町"}
    assert committee.post("/api/admin/stores", body).status == 200
    assert "岩村町" in committees.get(rt.db, "1")["areas"]
    store_id = committee.post("/api/admin/stores", {**body, "name": "二号店", "area": "明智町"}).json["store_id"]
    moved = committee.put(
        f"/api/admin/stores/{store_id}", {**body, "name": "二号店", "area": "山岡町", "status": "active"}
    )
    assert moved.status == 200 and {"岩村町", "明智町", "山岡町"} <= committees.get(rt.db, "1")["areas"]


def test_bad_input_is_refused_clearly(city: City) -> None:
    committee = console_login("ena-0001")
    unknown = committee.post("/api/admin/stores", {"company_id": "99999", "name": "x", "phone": "0573-00-0000"})
    assert unknown.status == 400 and unknown.json["error"]["details"][0]["field"] == "company_id"
    committee.post(
        "/api/admin/stores",
        {"company_id": city.company["company_id"], "name": "A", "phone": "0573-00-0000", "external_store_id": "EXT-1"},
    )
    duplicate = committee.post(
        "/api/admin/stores",
        {"company_id": city.company["company_id"], "name": "B", "phone": "0573-00-0000", "external_store_id": "EXT-1"},
    )
    assert duplicate.status == 409 and duplicate.json["error"]["details"][0]["field"] == "external_store_id"
    bad_phone = committee.post(
        "/api/admin/stores", {"company_id": city.company["company_id"], "name": "C", "phone": "電話"}
    )
    assert bad_phone.status == 400
    elsewhere = committee.post("/api/admin/companies", {"name": "越境企業", "committee_id": "2"})
    assert elsewhere.status == 400 and elsewhere.json["error"]["details"][0]["field"] == "committee_id"
    no_name = committee.post("/api/admin/companies", {"name": ""})
    assert no_name.status == 400 and no_name.json["error"]["details"][0]["reason_ja"] == "入力してください。"
    not_json = committee.request("POST", "/api/admin/companies", raw=b"{not json")
    assert not_json.status == 400


def test_edit_moves_external_ids_and_renames_carry_to_stores(city: City) -> None:
    committee = console_login("ena-0001")
    store_id = city.store["store_id"]
    body = {
        "name": "テスト店舗1 改",
        "phone": "0573-99-0000",
        "large": False,
        "external_store_id": "NEW-1",
        "status": "active",
    }
    assert committee.put(f"/api/admin/stores/{store_id}", body).json["name"] == "テスト店舗1 改"
    body2 = {**body, "external_store_id": "NEW-2"}
    assert committee.put(f"/api/admin/stores/{store_id}", body2).status == 200
    # NEW-1 was released by the move, so another store may take it.
    other = committee.put(
        f"/api/admin/stores/{city.other_store['store_id']}", {**body, "name": "別店舗", "external_store_id": "NEW-1"}
    )
    assert other.status == 200
    # A field left blank is removed, and the answer says so as a later read would.
    assert committee.put(f"/api/admin/stores/{store_id}", {**body2, "address": "恵那市長島町"}).json["address"]
    cleared = committee.put(f"/api/admin/stores/{store_id}", {**body, "address": "", "external_store_id": ""})
    assert cleared.status == 200
    assert cleared.json["address"] is None and cleared.json["external_store_id"] is None
    assert committee.get(f"/api/admin/stores/{store_id}").json["address"] is None
    company = {"name": "テスト企業1 (新)", "status": "active"}
    assert committee.put(f"/api/admin/companies/{city.company['company_id']}", company).status == 200
    assert committee.get(f"/api/admin/stores/{store_id}").json["company_name"] == "テスト企業1 (新)"


def test_a_company_saved_again_mends_stores_a_rename_left_on_the_old_name(city: City, rt: Runtime) -> None:
    # Given a rename whose stores' transaction failed after the company's had committed: the company
    # has its new name and a store still the old one
    committee = console_login("ena-0001")
    company_id, store_id = city.company["company_id"], city.store["store_id"]
    company = {"name": "テスト企業1 (新)", "status": "active"}
    assert committee.put(f"/api/admin/companies/{company_id}", company).status == 200
    expr = Expr()
    update = f"SET {expr.n('company_name')} = {expr.v('テスト企業1')}"
    rt.db.update(keys.store(store_id), update, expr)
    # When the clerk saves the company again, its name unchanged
    assert committee.put(f"/api/admin/companies/{company_id}", company).status == 200
    # Then the store carries the company's name again, and both saves are in the audit log
    assert committee.get(f"/api/admin/stores/{store_id}").json["company_name"] == "テスト企業1 (新)"
    today = "2026-11-29"
    entries = committee.get(f"/api/admin/audit?date_from={today}&date_to={today}&action=company_updated").json["items"]
    assert len(entries) == 2, entries


def test_lists_search_and_stay_in_scope(city: City) -> None:
    committee = console_login("ena-0001")
    stores = committee.get("/api/admin/stores?name=テスト").json["items"]
    assert {s["name"] for s in stores} == {"テスト店舗1", "テスト店舗2"}
    large = committee.get("/api/admin/stores?large=yes").json["items"]
    assert [s["name"] for s in large] == ["大型店"]
    by_company = committee.get("/api/admin/stores?company=テスト企業2").json["items"]
    assert [s["name"] for s in by_company] == ["大型店"]
    companies = committee.get("/api/admin/companies?name=企業2").json["items"]
    assert [c["name"] for c in companies] == ["テスト企業2"]

    company_admin = console_login("ena-0002")
    theirs = company_admin.get("/api/admin/stores").json["items"]
    assert {s["store_id"] for s in theirs} == {city.store["store_id"], city.other_store["store_id"]}
    assert company_admin.get(f"/api/admin/stores/{city.large_store['store_id']}").status == 404
    assert (
        company_admin.post(
            "/api/admin/stores", {"company_id": city.company["company_id"], "name": "x", "phone": "0573-00-0000"}
        ).status
        == 403
    )
    terminals = company_admin.get("/api/admin/terminals").json["items"]
    assert {t["terminal_id"] for t in terminals} == {city.terminal["terminal_id"], city.other_terminal["terminal_id"]}
    other_city = console_login("oth-0001")
    assert other_city.get(f"/api/admin/terminals/{city.terminal['terminal_id']}").status == 404
    assert other_city.get("/api/admin/companies").json["items"] == []


def test_terminal_password_regeneration_unbinding_and_suspension(city: City) -> None:
    till = merchant_login(city.terminal, "shopuser01")
    admin = console_login("ena-0002")
    terminal_id = city.terminal["terminal_id"]
    fresh = admin.post(f"/api/admin/terminals/{terminal_id}/password").json
    assert len(fresh["password"]) == 4 and fresh["setup_locked"] is False
    assert till.get("/api/auth/me").status == 200  # a new password does not end a bound device
    assert admin.post(f"/api/admin/terminals/{terminal_id}/unbind").json["bound"] is False
    assert till.get("/api/auth/me").code == "terminal_unbound"

    till = merchant_login({**city.terminal, "password": fresh["password"]}, "shopuser01")
    update = {"device_name": "iPad", "status": "suspended"}
    assert admin.put(f"/api/admin/terminals/{terminal_id}", update).json["status_label"] == "利用停止"
    assert till.get("/api/auth/me").code == "terminal_suspended"
    committee = console_login("ena-0001")
    store_update = {"name": "テスト店舗1", "phone": "0573-00-0000", "large": False, "status": "suspended"}
    admin.put(f"/api/admin/terminals/{terminal_id}", {"device_name": "iPad", "status": "active"})
    assert committee.put(f"/api/admin/stores/{city.store['store_id']}", store_update).status == 200
    assert till.get("/api/auth/me").code == "store_suspended"
    company = {"name": "テスト企業1", "status": "active"}
    assert committee.put(f"/api/admin/companies/{city.company['company_id']}", company).status == 200
    logged = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&page_size=200").json["items"]
    by_action = {(e["action"], e.get("target_id")) for e in logged}
    for action in ("terminal_password_regenerated", "terminal_unbound", "terminal_updated"):
        assert (action, terminal_id) in by_action, action
    assert ("store_updated", city.store["store_id"]) in by_action
    assert ("company_updated", city.company["company_id"]) in by_action


def test_app_users_list_detail_and_suspension(city: City) -> None:
    from tests.integration.conftest import wallet_login

    citizen = wallet_login("resident@example.jp")
    wallet_id = citizen.get("/api/auth/me").json["user_id"]
    committee = console_login("ena-0001")
    found = committee.get("/api/admin/app-users?email=resident@example.jp").json["items"]
    assert [u["wallet_id"] for u in found] == [wallet_id]
    detail = committee.get(f"/api/admin/app-users/{wallet_id}").json
    assert detail["balance"] == 0 and detail["status_label"] == "有効"
    assert committee.post(f"/api/admin/app-users/{wallet_id}/suspend").json["status"] == "suspended"
    assert citizen.get("/api/auth/me").status == 401
    logged = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&action=wallet_suspended").json
    assert [e["target_id"] for e in logged["items"]] == [wallet_id]
    again = Client("wallet")
    again.post("/api/wallet/auth/start", {"email": "resident@example.jp", "service_id": "enacity"})
    from tests.support import mailbox

    assert (
        again.post("/api/auth/verify", {"code": mailbox.last_code("resident@example.jp")}).code == "account_suspended"
    )
    assert console_login("ena-0002").get("/api/admin/app-users").status == 403
    assert console_login("oth-0001").get(f"/api/admin/app-users/{wallet_id}").status == 404


def test_exact_id_searches_find_their_record_however_long_the_list(
    city: City, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from admin import listing

    monkeypatch.setattr(listing, "READ_BUDGET", 2)  # a list far longer than one page may read
    for n in range(6):
        world.terminal(city.store, password=f"{n:04d}")
    last_terminal = world.terminal(city.other_store)
    committee = console_login("ena-0001")
    found = committee.get(f"/api/admin/terminals?terminal_id={last_terminal['terminal_id']}").json
    assert [t["terminal_id"] for t in found["items"]] == [last_terminal["terminal_id"]]
    assert not found.get("next_cursor")
    for n in range(4):
        body = {"company_id": city.other_company["company_id"], "name": f"店{n}", "phone": "0573-00-0000"}
        committee.post("/api/admin/stores", {**body, "external_store_id": f"X-{n}"})
    by_external = committee.get("/api/admin/stores?external_store_id=X-3").json["items"]
    assert [s["name"] for s in by_external] == ["店3"]
    assert committee.get("/api/admin/stores?external_store_id=X-404").json["items"] == []
    last_store = by_external[0]["store_id"]
    assert [s["name"] for s in committee.get(f"/api/admin/stores?store_id={last_store}").json["items"]] == ["店3"]
    assert committee.get(f"/api/admin/stores?store_id={last_store}&external_store_id=X-1").json["items"] == []
    company = city.other_company["company_id"]
    assert [c["company_id"] for c in committee.get(f"/api/admin/companies?company_id={company}").json["items"]] == [
        company
    ]
    for n in range(4):
        wallet_login(f"citizen{n}@example.jp")
    by_email = committee.get("/api/admin/app-users?email=Citizen3@example.jp").json["items"]
    assert [u["email"] for u in by_email] == ["citizen3@example.jp"]
    assert committee.get("/api/admin/app-users?email=citizen3@example.jp&status=suspended").json["items"] == []


def test_a_company_admin_keeps_their_stores_details_up_to_date(city: City) -> None:
    """Issue 14.9: 企業管理者 edits 電話番号・住所・地区・位置情報 of their own stores only."""
    company_admin = console_login("ena-0002")
    store_id = city.store["store_id"]
    body = {
        "phone": "0573-26-0001",
        "address": "岐阜県恵那市大井町9-9",
        "area": "長島町",
        "latitude": 35.449,
        "longitude": 137.412,
    }
    reply = company_admin.put(f"/api/admin/stores/{store_id}/details", body)
    assert reply.status == 200, reply
    assert {k: reply.json[k] for k in body} == body and reply.json["name"] == "テスト店舗1"
    assert company_admin.get(f"/api/admin/stores/{store_id}").json["latitude"] == 35.449
    assert (
        company_admin.put(f"/api/admin/stores/{store_id}", {**body, "name": "改名"}).status == 403
    )  # name: committee's
    half = company_admin.put(f"/api/admin/stores/{store_id}/details", {**body, "longitude": None})
    assert half.status == 400 and "緯度と経度の両方" in half.json["error"]["message"]
    assert company_admin.put(f"/api/admin/stores/{store_id}/details", {**body, "latitude": 95}).status == 400
    other = city.large_store["store_id"]  # another company's store
    assert company_admin.put(f"/api/admin/stores/{other}/details", body).status == 404
    assert console_login("ena-0003").put(f"/api/admin/stores/{store_id}/details", body).status == 403  # 企業担当者
