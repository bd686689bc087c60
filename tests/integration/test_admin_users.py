"""管理ユーザ登録 / 一覧 / unlock / suspend, each within the caller's scope (issue 3 item 4, item 7)."""

from __future__ import annotations

from tests.integration.conftest import City, console_login, merchant_login
from tests.support import mailbox
from tests.support.client import Client


def registration(city: City, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "role": "store_manager",
        "committee_id": "1",
        "company_id": city.company["company_id"],
        "store_id": city.store["store_id"],
        "name": "テスト 太郎",
        "login_id": "shopuser77",
        "email": "test@test.jp",
        "note": "",
        "notify": True,
    }
    body.update(overrides)
    return body


def test_register_store_manager_as_the_manual_shows(city: City) -> None:
    admin = console_login("ena-0002")  # 企業管理者 of テスト企業1
    created = admin.post("/api/admin/users", registration(city))
    assert created.status == 200, created
    user = created.json
    assert (
        user["role_label"] == "店舗管理者" and user["store_name"] == "テスト店舗1" and user["status_label"] == "使用中"
    )
    assert user["must_change_password"] is True
    notice = mailbox.last_to("test@test.jp")
    assert (
        "管理ユーザ登録完了" in notice["subject"] and "shopuser77" in notice["body"] and "/merchant/" in notice["body"]
    )
    # A store's staff member is sent to 加盟店アプリ with the store's terminal IDs and the next step (issue 14.9).
    assert "■加盟店アプリURL:" in notice["body"] and "管理画面URL" not in notice["body"]
    assert city.terminal["terminal_id"] in notice["body"] and "端末詳細" in notice["body"]
    assert "5282" not in notice["body"]  # the terminal password is never mailed

    # The new user signs in on a terminal of the store with login ID = first password.
    device = Client("merchant")
    device.post("/api/merchant/terminal/bind", {"terminal_id": city.terminal["terminal_id"], "password": "5282"})
    assert (
        device.post("/api/merchant/login", {"login_id": "shopuser77", "password": "shopuser77"}).json["next"]
        == "change_password"
    )

    listed = admin.get("/api/admin/users?login_id=shopuser77").json["items"]
    assert [u["user_id"] for u in listed] == [user["user_id"]]


def test_a_company_admins_email_links_the_console_and_says_what_to_do_first(city: City) -> None:
    admin = console_login("ena-0001")
    body = registration(city, role="company_admin", store_id=None, login_id="companyadm7", email="co7@test.jp")
    assert admin.post("/api/admin/users", body).status == 200
    notice = mailbox.last_to("co7@test.jp")
    assert "■管理画面URL:" in notice["body"] and "/admin/" in notice["body"] and "加盟店アプリURL" not in notice["body"]
    assert "位置情報" in notice["body"] and "端末パスワード" in notice["body"]


def test_registration_refuses_bad_input_with_field_errors(city: City) -> None:
    admin = console_login("ena-0002")
    short = admin.post("/api/admin/users", registration(city, login_id="short"))
    assert short.status == 400 and short.json["error"]["details"][0]["field"].endswith("login_id")
    duplicate = admin.post("/api/admin/users", registration(city, login_id="shopuser01"))
    assert duplicate.status == 409 and duplicate.code == "already_exists"
    no_store = admin.post("/api/admin/users", registration(city, store_id=None))
    assert no_store.status == 400
    wrong_company = admin.post("/api/admin/users", registration(city, company_id=city.other_company["company_id"]))
    assert wrong_company.status == 400


def test_admins_register_only_at_or_below_their_role_and_scope(city: City) -> None:
    company_admin = console_login("ena-0002")
    above = company_admin.post("/api/admin/users", registration(city, role="committee_admin", login_id="ena-0500"))
    assert above.status == 403
    other_store = company_admin.post(
        "/api/admin/users",
        registration(
            city,
            company_id=city.other_company["company_id"],
            store_id=city.large_store["store_id"],
            login_id="shopuser88",
        ),
    )
    assert other_store.status == 403
    same_rank = company_admin.post(
        "/api/admin/users", registration(city, role="company_admin", store_id=None, login_id="ena-0600")
    )
    assert same_rank.status == 200
    committee = console_login("ena-0001")
    other_city = committee.post(
        "/api/admin/users", registration(city, role="committee_admin", committee_id="2", login_id="oth-0002")
    )
    assert other_city.status == 403
    system = console_login("sysadmin01")
    assert (
        system.post(
            "/api/admin/users", registration(city, role="committee_admin", committee_id="2", login_id="oth-0002")
        ).status
        == 200
    )


def test_list_search_fields_and_scope(city: City) -> None:
    committee = console_login("ena-0001")
    everyone = committee.get("/api/admin/users?page_size=200").json["items"]
    logins = {u["login_id"] for u in everyone}
    assert {"ena-0001", "ena-0002", "shopuser01", "shopuser02"} <= logins
    assert "oth-0001" not in logins and "sysadmin01" not in logins

    assert [u["login_id"] for u in committee.get("/api/admin/users?email=ena-0003@example.jp").json["items"]] == [
        "ena-0003"
    ]
    assert committee.get("/api/admin/users?email=ena-0003@example").json["items"] == []  # exact match only
    managers = committee.get("/api/admin/users?role=store_manager").json["items"]
    assert {u["login_id"] for u in managers} == {"shopuser01", "shopuser02"}
    by_store = committee.get("/api/admin/users?store=テスト店舗2").json["items"]
    assert [u["login_id"] for u in by_store] == ["shopuser02"]
    by_company = committee.get(f"/api/admin/users?company={city.other_company['company_id']}").json["items"]
    assert [u["login_id"] for u in by_company] == ["ena-0009"]

    company_admin = console_login("ena-0002")
    theirs = {u["login_id"] for u in company_admin.get("/api/admin/users").json["items"]}
    assert theirs == {"ena-0002", "ena-0003", "shopuser01", "shopstaff01", "shopuser02"}
    # Guessing the id of a user of another company answers 404, not the user.
    hidden = city.users["other_company_admin"]["user_id"]
    assert company_admin.get(f"/api/admin/users/{hidden}").status == 404
    assert company_admin.post(f"/api/admin/users/{hidden}/suspend").status == 404
    assert company_admin.get(f"/api/admin/users?user_id={hidden}").json["items"] == []

    # バリューイシュア and ウォレットサービス: "ID or name" of the committee's issuer and service.
    system = console_login("sysadmin01")
    by_issuer = {u["login_id"] for u in system.get("/api/admin/users?issuer=他市&page_size=200").json["items"]}
    assert by_issuer == {"oth-0001"}
    by_service = system.get("/api/admin/users?service=enacity&page_size=200").json["items"]
    assert {u["login_id"] for u in by_service} == logins
    # Found by id, a user still has to pass the other filters.
    staff_id = city.users["company_staff"]["user_id"]
    assert [u["login_id"] for u in committee.get(f"/api/admin/users?user_id={staff_id}").json["items"]] == ["ena-0003"]
    assert committee.get(f"/api/admin/users?user_id={staff_id}&login_id=shop").json["items"] == []
    assert committee.get(f"/api/admin/users?user_id={staff_id}&locked=locked").json["items"] == []


def test_paging_with_tamper_proof_cursor(city: City) -> None:
    committee = console_login("ena-0001")
    first = committee.get("/api/admin/users?page_size=3").json
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = committee.get(f"/api/admin/users?page_size=3&cursor={first['next_cursor']}").json
    assert not {u["user_id"] for u in first["items"]} & {u["user_id"] for u in second["items"]}
    tampered = first["next_cursor"][:-2] + ("aa" if not first["next_cursor"].endswith("aa") else "bb")
    assert committee.get(f"/api/admin/users?page_size=3&cursor={tampered}").code == "invalid_cursor"
    other_search = committee.get(f"/api/admin/users?page_size=3&role=store_staff&cursor={first['next_cursor']}")
    assert other_search.code == "invalid_cursor"


def test_lock_state_search_unlock_and_suspension(city: City) -> None:
    for _ in range(5):
        Client("admin").post("/api/auth/login", {"login_id": "ena-0003", "password": "bad-password-1"})
    committee = console_login("ena-0001")
    locked = committee.get("/api/admin/users?locked=locked").json["items"]
    assert [u["login_id"] for u in locked] == ["ena-0003"]
    staff_id = city.users["company_staff"]["user_id"]
    peer = console_login("ena-0009")  # a company admin of another company cannot even see it
    assert peer.post(f"/api/admin/users/{staff_id}/unlock").status == 404
    assert committee.post(f"/api/admin/users/{staff_id}/unlock").json["locked"] is False

    till = merchant_login(city.terminal, "shopuser01")
    manager_id = city.users["store_manager"]["user_id"]
    staff = console_login("ena-0003")  # company staff manage their stores' users
    assert staff.post(f"/api/admin/users/{manager_id}/suspend").json["status_label"] == "停止中"
    assert till.get("/api/auth/me").status == 401  # suspension ends the session at once
    again = Client("merchant", cookies={k: v for k, v in till.cookies.items() if "terminal" in k})
    assert (
        again.post("/api/merchant/login", {"login_id": "shopuser01", "password": "shopuser01-Pass1"}).code
        == "account_suspended"
    )
    assert staff.post(f"/api/admin/users/{manager_id}/resume").json["status"] == "active"
    # Nobody manages a user of the same or a higher role.
    assert staff.post(f"/api/admin/users/{city.users['company_admin']['user_id']}/suspend").status == 403


def test_audit_log_records_sign_ins_and_admin_actions_in_scope(city: City) -> None:
    for _ in range(5):  # the fifth locks the account
        Client("admin").post("/api/auth/login", {"login_id": "ena-0003", "password": "bad-password-1"})
    admin = console_login("ena-0002")
    admin.post("/api/admin/users", registration(city))
    staff_id = city.users["company_staff"]["user_id"]
    manager_id = city.users["store_manager"]["user_id"]
    admin.post(f"/api/admin/users/{staff_id}/unlock")
    admin.post(f"/api/admin/users/{manager_id}/suspend")
    admin.post(f"/api/admin/users/{manager_id}/resume")
    new_password = {"current_password": "ena-0002-Pass1", "new_password": "Hebo-gohan9", "confirm_password": "Hebo-gohan9"}  # fmt: skip
    assert admin.post("/api/auth/password", new_password).status == 200
    entries = admin.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&page_size=200").json["items"]
    actions = [e["action"] for e in entries]
    for action in ("user_created", "login", "login_failed", "account_locked", "account_unlocked", "user_suspended",
                   "user_resumed", "password_changed"):  # fmt: skip
        assert action in actions, action
    created = next(e for e in entries if e["action"] == "user_created")
    assert (
        created["actor"]["login_id"] == "ena-0002"
        and created["action_label"] == "管理ユーザ登録"
        and created["source_ip"] == "127.0.0.1"
    )
    only_logins = admin.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&action=login").json["items"]
    assert {e["action"] for e in only_logins} == {"login"}
    other = console_login("ena-0009").get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29").json["items"]
    assert other and all(e.get("company_id") == city.other_company["company_id"] for e in other)
    too_long = admin.get("/api/admin/audit?date_from=2026-01-01&date_to=2026-11-29")
    assert too_long.status == 400
