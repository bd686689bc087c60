"""Merchant app sign-in (terminal binding, staff first login) and citizen wallet sign-in (issue 3)."""

from __future__ import annotations

from auth.signin import CODE_MAILS_PER_ADDRESS_SOURCE
from shoken.db import keys, terminals
from shoken.db.dynamo import Expr
from shoken.roles import Role
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, merchant_login, wallet_login
from tests.support import mailbox
from tests.support.client import Client
from tests.support.world import World


def test_terminal_setup_shows_the_store_then_binds_the_device(city: City) -> None:
    device = Client("merchant")
    info = device.post(
        "/api/merchant/terminal/check", {"terminal_id": city.terminal["terminal_id"], "password": "5282"}
    )
    assert info.status == 200
    assert info.json == {
        "terminal_id": city.terminal["terminal_id"],
        "store_id": city.store["store_id"],
        "store_name": "テスト店舗1",
        "store_phone": "0573-00-0000",
        "company_name": "テスト企業1",
        "device_name": "iPhone",
    }
    assert device.get("/api/merchant/terminal").code == "terminal_unbound"  # not bound until OK
    assert (
        device.post(
            "/api/merchant/terminal/bind", {"terminal_id": city.terminal["terminal_id"], "password": "5282"}
        ).status
        == 200
    )
    assert device.get("/api/merchant/terminal").json["store_id"] == city.store["store_id"]


def test_terminal_password_guessing_locks_the_terminal(city: City) -> None:
    device = Client("merchant")
    for _ in range(4):
        reply = device.post(
            "/api/merchant/terminal/check", {"terminal_id": city.terminal["terminal_id"], "password": "0000"}
        )
        assert reply.code == "terminal_invalid"
    assert (
        device.post(
            "/api/merchant/terminal/check", {"terminal_id": city.terminal["terminal_id"], "password": "0000"}
        ).code
        == "terminal_locked"
    )
    assert (
        device.post(
            "/api/merchant/terminal/check", {"terminal_id": city.terminal["terminal_id"], "password": "5282"}
        ).code
        == "terminal_locked"
    )
    bad = device.post("/api/merchant/terminal/check", {"terminal_id": "12345", "password": "12"})
    assert bad.status == 400 and bad.code == "invalid_request"


def test_staff_first_login_requires_a_12_character_password(world: World, city: City) -> None:
    world.user(Role.STORE_STAFF, "shopnew001", store=city.store)
    device = Client("merchant")
    device.post("/api/merchant/terminal/bind", {"terminal_id": city.terminal["terminal_id"], "password": "5282"})
    step = device.post("/api/merchant/login", {"login_id": "shopnew001", "password": "shopnew001"})
    assert step.json["next"] == "change_password"
    short = device.post(
        "/api/auth/initial-password", {"new_password": "Short-pass1", "confirm_password": "Short-pass1"}
    )
    assert short.code == "weak_password" and "12文字" in short.json["error"]["message"]
    done = device.post(
        "/api/auth/initial-password", {"new_password": "Long-enough-pass1", "confirm_password": "Long-enough-pass1"}
    )
    assert done.status == 200 and done.json["next"] == "done"
    me = device.get("/api/auth/me").json
    assert (
        me["role"] == "store_staff"
        and me["terminal_id"] == city.terminal["terminal_id"]
        and me["store_name"] == "テスト店舗1"
    )
    assert mailbox.sent() == []  # merchant staff sign in on their bound terminal without an email code


def test_staff_can_only_sign_in_on_a_terminal_of_their_store(city: City) -> None:
    device = Client("merchant")
    device.post("/api/merchant/terminal/bind", {"terminal_id": city.other_terminal["terminal_id"], "password": "1111"})
    reply = device.post("/api/merchant/login", {"login_id": "shopuser01", "password": "shopuser01-Pass1"})
    assert reply.status == 403 and reply.code == "not_this_store"
    console_user = device.post("/api/merchant/login", {"login_id": "ena-0001", "password": "ena-0001-Pass1"})
    assert console_user.code == "wrong_app"
    no_binding = Client("merchant").post(
        "/api/merchant/login", {"login_id": "shopuser01", "password": "shopuser01-Pass1"}
    )
    assert no_binding.code == "terminal_unbound"


def test_rebinding_or_suspending_the_terminal_ends_the_device_at_once(city: City, rt: Runtime) -> None:
    till = merchant_login(city.terminal, "shopuser01")
    assert till.get("/api/auth/me").status == 200
    expr = Expr()
    rt.db.update(keys.terminal(city.terminal["terminal_id"]), f"SET {expr.n('status')} = {expr.v('suspended')}", expr)
    assert till.get("/api/auth/me").code == "terminal_suspended"
    expr = Expr()
    rt.db.update(keys.terminal(city.terminal["terminal_id"]), f"SET {expr.n('status')} = {expr.v('active')}", expr)
    assert till.get("/api/auth/me").status == 200
    merchant_login(city.terminal, "shopstaff01")  # another device binds the same terminal
    displaced = till.get("/api/auth/me")
    assert displaced.status == 401 and displaced.code == "terminal_rebound"  # told why (issue 14.8)
    assert "別のスマートフォン・タブレットで設定された" in displaced.json["error"]["message"]
    assert till.get("/api/merchant/terminal").code == "terminal_rebound"
    record = terminals.get(rt.db, city.terminal["terminal_id"])
    assert record and record.failed_setups == 0
    assert record.item["bound_device"] == "不明な機器" and record.item["bound_at"]  # the test client names no device
    view = console_login("ena-0001").get(f"/api/admin/terminals/{city.terminal['terminal_id']}").json
    assert view["bound"] and view["bound_device"] == "不明な機器"


def test_staff_changing_their_password_stays_signed_in_on_this_till_only(city: City) -> None:
    till = merchant_login(city.terminal, "shopuser01")
    other_device_session = merchant_login(city.other_terminal, "shopuser02")
    elsewhere = Client("merchant", cookies=dict(till.cookies), csrf=till.csrf)  # the same session, copied
    body = {"current_password": "shopuser01-Pass1", "new_password": "shopuser01-New-2026", "confirm_password": "shopuser01-New-2026"}  # fmt: skip
    changed = till.post("/api/auth/password", body)
    assert changed.status == 200 and changed.json["next"] == "done", changed
    me = till.get("/api/auth/me")
    assert me.status == 200 and me.json["terminal_id"] == city.terminal["terminal_id"]
    assert till.get("/api/merchant/terminal").status == 200  # the device is still bound
    assert elsewhere.get("/api/auth/me").status == 401  # the old session ended
    assert other_device_session.get("/api/auth/me").status == 200  # another user's session is untouched


def test_citizen_signs_in_with_email_and_code_and_gets_a_wallet(city: City) -> None:
    client = wallet_login("Resident@Example.jp")
    me = client.get("/api/auth/me").json
    assert me["role"] == "citizen" and me["email"] == "resident@example.jp"
    first_wallet = me["user_id"]
    again = wallet_login("resident@example.jp")
    assert again.get("/api/auth/me").json["user_id"] == first_wallet  # same wallet on the next sign-in
    other_city = wallet_login("resident@example.jp", service_id="othercity")
    assert other_city.get("/api/auth/me").json["user_id"] != first_wallet


def test_citizen_code_mails_are_throttled_per_address_and_client(city: City) -> None:
    for _ in range(CODE_MAILS_PER_ADDRESS_SOURCE):  # one client's share of the address
        assert (
            Client("wallet")
            .post("/api/wallet/auth/start", {"email": "busy@example.jp", "service_id": "enacity"})
            .status
            == 200
        )
    reply = Client("wallet").post("/api/wallet/auth/start", {"email": "busy@example.jp", "service_id": "enacity"})
    assert reply.status == 429
    bad = Client("wallet").post("/api/wallet/auth/start", {"email": "not-an-email", "service_id": "enacity"})
    assert bad.status == 400 and bad.json["error"]["details"][0]["reason_ja"] == "形式が正しくありません。"


def test_a_wallet_session_cannot_be_used_by_the_console_or_the_merchant_app(city: City) -> None:
    citizen = wallet_login("resident@example.jp")
    as_admin = Client("admin", cookies=dict(citizen.cookies), csrf=citizen.csrf)
    assert as_admin.get("/api/auth/me").status == 401
    assert as_admin.get("/api/admin/users").status == 401
