"""Admin console sign-in: first password, password rules, email code, lock-out, sessions (issue 3)."""

from __future__ import annotations

import re

from shoken.clock import FrozenClock
from shoken.db import users
from shoken.roles import Role
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login
from tests.support import mailbox
from tests.support.client import Client
from tests.support.world import World


def first_login(world: World, city: City) -> tuple[Client, str]:
    world.user(Role.STORE_MANAGER, "newuser01", store=city.store)  # merchant role, used elsewhere
    world.user(Role.COMPANY_STAFF, "ena-0100", company=city.company)
    client = Client("admin")
    return client, "ena-0100"


def test_first_login_forces_password_change_then_email_code(world: World, city: City) -> None:
    client, login_id = first_login(world, city)

    step = client.post("/api/auth/login", {"login_id": login_id, "password": login_id})
    assert step.status == 200
    assert step.json["next"] == "change_password"
    assert mailbox.sent() == []  # no code before the password is changed

    weak = client.post("/api/auth/initial-password", {"new_password": "abcdefgh", "confirm_password": "abcdefgh"})
    assert weak.status == 400 and weak.code == "weak_password"
    mismatch = client.post(
        "/api/auth/initial-password", {"new_password": "Good-pass-2026", "confirm_password": "Good-pass-2027"}
    )
    assert mismatch.code == "password_mismatch"
    common = client.post(
        "/api/auth/initial-password", {"new_password": "password123", "confirm_password": "password123"}
    )
    assert common.code == "weak_password" and "よく使われている" in common.json["error"]["message"]
    same = client.post("/api/auth/initial-password", {"new_password": "ena-0100", "confirm_password": "ena-0100"})
    assert same.code == "weak_password"
    full_width = client.post(
        "/api/auth/initial-password", {"new_password": "ｐａｓｓ１２３４ab", "confirm_password": "ｐａｓｓ１２３４ab"}
    )
    assert full_width.code == "weak_password"

    step = client.post(
        "/api/auth/initial-password", {"new_password": "Kuri-kinton7", "confirm_password": "Kuri-kinton7"}
    )
    assert step.status == 200 and step.json["next"] == "verify_email"
    assert re.match(r"^en\*+@example\.jp$", step.json["email_hint"])

    done = client.post("/api/auth/verify", {"code": mailbox.last_code("ena-0100@example.jp")})
    assert done.status == 200 and done.json["next"] == "done"
    assert done.json["me"]["role"] == "company_staff"
    assert done.json["me"]["company_name"] == "テスト企業1"
    me = client.get("/api/auth/me")
    assert me.status == 200 and me.json["login_id"] == "ena-0100"

    # The initial password no longer works; the new one does (and asks for a code again).
    again = Client("admin").post("/api/auth/login", {"login_id": login_id, "password": login_id})
    assert again.code == "invalid_credentials"
    again = Client("admin").post("/api/auth/login", {"login_id": login_id, "password": "Kuri-kinton7"})
    assert again.json["next"] == "verify_email"


def test_session_cookie_is_secure_httponly_samesite(city: City) -> None:
    client = Client("admin")
    client.post("/api/auth/login", {"login_id": "ena-0001", "password": "ena-0001-Pass1"})
    reply = client.post("/api/auth/verify", {"code": mailbox.last_code("ena-0001@example.jp")})
    session_cookie = next(c for c in reply.cookies if c.startswith("__Host-shoken_admin="))
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
        assert attribute in session_cookie
    assert "Domain" not in session_cookie


def test_code_rules_single_use_expiry_and_five_tries(city: City, clock: FrozenClock) -> None:
    client = Client("admin")
    client.post("/api/auth/login", {"login_id": "ena-0001", "password": "ena-0001-Pass1"})
    code = mailbox.last_code("ena-0001@example.jp")
    wrong = "000000" if code != "000000" else "111111"

    for left in (4, 3, 2, 1):
        reply = client.post("/api/auth/verify", {"code": wrong})
        assert reply.code == "code_invalid" and f"あと{left}回" in reply.json["error"]["message"]
    fifth = client.post("/api/auth/verify", {"code": wrong})
    assert fifth.code == "code_attempts_exceeded"
    sixth = client.post("/api/auth/verify", {"code": code})  # even the right code: the attempt is spent
    assert sixth.status == 429 and sixth.code == "code_attempts_exceeded"

    # A new sign-in: the code expires after 10 minutes.
    client = Client("admin")
    client.post("/api/auth/login", {"login_id": "ena-0001", "password": "ena-0001-Pass1"})
    code = mailbox.last_code("ena-0001@example.jp")
    clock.advance(minutes=10, seconds=1)
    assert client.post("/api/auth/verify", {"code": code}).code == "code_expired"

    # Resend is throttled (60 s), then gives a new code; the old one no longer works.
    assert client.post("/api/auth/resend").status == 200
    assert client.post("/api/auth/resend").code == "resend_throttled"
    new_code = mailbox.last_code("ena-0001@example.jp")
    if new_code != code:
        assert client.post("/api/auth/verify", {"code": code}).code == "code_invalid"
    replay = Client("admin", cookies=dict(client.cookies))  # the pending sign-in, copied before it is used
    assert client.post("/api/auth/verify", {"code": new_code}).status == 200
    # Used once: the same code with the same pending sign-in cannot open a second session.
    again = replay.post("/api/auth/verify", {"code": new_code})
    assert again.status == 401 and "__Host-shoken_admin" not in replay.cookies, again

    # At most five sends per sign-in.
    client = Client("admin")
    client.post("/api/auth/login", {"login_id": "ena-0001", "password": "ena-0001-Pass1"})
    refusals = []
    for _ in range(5):
        clock.advance(seconds=61)
        refusals.append(client.post("/api/auth/resend").code)
    assert refusals == [None, None, None, None, "resend_limit"]


def test_code_is_bound_to_its_sign_in_attempt(city: City) -> None:
    first = Client("admin")
    first.post("/api/auth/login", {"login_id": "ena-0001", "password": "ena-0001-Pass1"})
    code_for_first = mailbox.last_code("ena-0001@example.jp")
    second = Client("admin")
    second.post("/api/auth/login", {"login_id": "ena-0001", "password": "ena-0001-Pass1"})
    code_for_second = mailbox.last_code("ena-0001@example.jp")
    if code_for_first != code_for_second:
        assert second.post("/api/auth/verify", {"code": code_for_first}).code == "code_invalid"
    assert first.post("/api/auth/verify", {"code": code_for_first}).status == 200


def test_five_wrong_passwords_lock_and_a_higher_admin_unlocks(city: City, rt: Runtime) -> None:
    client = Client("admin")
    for _ in range(4):
        assert (
            client.post("/api/auth/login", {"login_id": "ena-0003", "password": "wrong-pass-1"}).code
            == "invalid_credentials"
        )
    locked = client.post("/api/auth/login", {"login_id": "ena-0003", "password": "wrong-pass-1"})
    assert locked.status == 423 and locked.code == "account_locked"
    # Even the right password is refused while locked.
    assert (
        client.post("/api/auth/login", {"login_id": "ena-0003", "password": "ena-0003-Pass1"}).code == "account_locked"
    )
    # An unknown login ID locks the same way, so the answer does not tell whether an ID exists.
    for _ in range(4):
        assert (
            client.post("/api/auth/login", {"login_id": "nobody-here", "password": "x"}).code == "invalid_credentials"
        )
    assert client.post("/api/auth/login", {"login_id": "nobody-here", "password": "x"}).code == "account_locked"

    admin = console_login("ena-0002")  # company admin, above company staff
    user_id = city.users["company_staff"]["user_id"]
    assert users.get(rt.db, user_id)["locked"]
    assert admin.post(f"/api/admin/users/{user_id}/unlock").status == 200
    record = users.get(rt.db, user_id)
    assert record and not record["locked"] and record["failed_logins"] == 0
    assert console_login("ena-0003").get("/api/auth/me").status == 200


def test_wrong_passwords_count_only_in_a_row_and_a_lock_ends_live_sessions(city: City) -> None:
    signed_in = console_login("ena-0003")
    client = Client("admin")
    for _ in range(4):
        assert client.post("/api/auth/login", {"login_id": "ena-0003", "password": "wrong-pass-1"}).status == 401
    assert client.post("/api/auth/login", {"login_id": "ena-0003", "password": "ena-0003-Pass1"}).status == 200
    for _ in range(4):  # the right password reset the count: four more are not yet five in a row
        assert client.post("/api/auth/login", {"login_id": "ena-0003", "password": "wrong-pass-1"}).status == 401
    assert signed_in.get("/api/auth/me").status == 200
    assert client.post("/api/auth/login", {"login_id": "ena-0003", "password": "wrong-pass-1"}).code == "account_locked"
    assert signed_in.get("/api/auth/me").status == 401  # locked: the live session ended at once


def test_logout_and_password_change_revoke_sessions(city: City) -> None:
    laptop = console_login("ena-0001")
    phone = console_login("ena-0001")
    assert laptop.post("/api/auth/logout").status == 200
    assert laptop.get("/api/auth/me").status == 401
    assert phone.get("/api/auth/me").status == 200

    changed = phone.post(
        "/api/auth/password",
        {"current_password": "ena-0001-Pass1", "new_password": "Hebo-gohan9", "confirm_password": "Hebo-gohan9"},
    )
    assert changed.status == 200
    assert phone.get("/api/auth/me").status == 200  # this device got a fresh session
    other = console_login("ena-0001", "Hebo-gohan9")
    stale = Client("admin", cookies=dict(other.cookies), csrf=other.csrf)
    other.post(
        "/api/auth/password",
        {"current_password": "Hebo-gohan9", "new_password": "Hebo-gohan10", "confirm_password": "Hebo-gohan10"},
    )
    assert phone.get("/api/auth/me").status == 401  # revoked by the other device's change
    assert stale.get("/api/auth/me").status == 401


def test_sessions_expire_when_idle_and_at_their_absolute_end(city: City, clock: FrozenClock) -> None:
    client = console_login("ena-0001")
    clock.advance(minutes=29)
    assert client.get("/api/auth/me").status == 200  # activity slides the idle window
    clock.advance(minutes=29)
    assert client.get("/api/auth/me").status == 200
    clock.advance(minutes=31)
    idle = client.get("/api/auth/me")
    assert idle.status == 401 and idle.code == "session_expired"

    client = console_login("ena-0001")
    for step in range(12 * 3 - 1):  # active every 20 minutes: alive until the 12-hour absolute end
        clock.advance(minutes=20)
        assert client.get("/api/auth/me").status == 200, step
    clock.advance(minutes=20)
    ended = client.get("/api/auth/me")
    assert ended.status == 401 and ended.code == "session_expired"


def test_password_reset_by_email(city: City) -> None:
    client = Client("admin")
    unknown = client.post("/api/auth/password-reset", {"login_id": "nobody-here"})
    known = client.post("/api/auth/password-reset", {"login_id": "ena-0001"})
    assert unknown.status == known.status == 200 and unknown.json == known.json
    link = mailbox.LINK.search(mailbox.last_to("ena-0001@example.jp")["body"])
    assert link
    token = link.group(1).split("token=")[1]
    reply = client.post(
        "/api/auth/password-reset/confirm",
        {"token": token, "new_password": "Ena-kuri-2026", "confirm_password": "Ena-kuri-2026"},
    )
    assert reply.status == 200
    again = client.post(
        "/api/auth/password-reset/confirm",
        {"token": token, "new_password": "Ena-kuri-2027", "confirm_password": "Ena-kuri-2027"},
    )
    assert again.code == "reset_link_invalid"
    assert console_login("ena-0001", "Ena-kuri-2026").get("/api/auth/me").status == 200


def test_store_roles_cannot_use_the_console_and_console_roles_not_the_merchant_app(city: City) -> None:
    reply = Client("admin").post("/api/auth/login", {"login_id": "shopuser01", "password": "shopuser01-Pass1"})
    assert reply.status == 403 and reply.code == "wrong_app"


def test_state_changing_requests_need_the_app_header_and_csrf_token(city: City) -> None:
    client = console_login("ena-0001")
    no_csrf = Client("admin", cookies=dict(client.cookies))
    reply = no_csrf.post("/api/auth/logout")
    assert reply.status == 403 and reply.code == "csrf_rejected"
    reply = client.request("POST", "/api/auth/logout", {}, headers={"X-Shoken-App": ""})
    assert reply.code == "csrf_rejected"
    assert client.get("/api/auth/me").status == 200
