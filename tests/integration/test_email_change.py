"""メールアドレス変更 (issue 12.1, 14.9): a session alone cannot move an account's email; the caller's
password and a code from the new address are needed, both addresses are told, the audit log holds
both; an admin corrects a user's name directly."""

from __future__ import annotations

from shoken.db import users
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login
from tests.support import mailbox
from tests.support.client import Client


def last_audit(client: Client, action: str) -> dict[str, object]:
    reply = client.get(f"/api/admin/audit?date_from=2026-11-01&date_to=2026-12-31&action={action}")
    assert reply.status == 200, reply
    assert reply.json["items"], f"no {action} in the audit log"
    return dict(reply.json["items"][0])


def test_a_session_alone_cannot_change_its_own_email(city: City, rt: Runtime) -> None:
    # Given someone holding a committee admin's session (but not the password)
    me = console_login("ena-0001")
    user_id = str(city.users["committee"]["user_id"])
    # When they change the email through the edit form, or with a wrong password
    edit = me.put(f"/api/admin/users/{user_id}", {"name": "恵那 委員", "email": "thief@example.jp"})
    assert edit.status == 400 and edit.json["error"]["details"][0]["field"] == "email", edit
    wrong = me.post(f"/api/admin/users/{user_id}/email", {"email": "thief@example.jp", "current_password": "guess"})
    assert wrong.status == 400 and wrong.json["error"]["details"][0]["field"] == "current_password", wrong
    assert "現在のパスワード" in wrong.json["error"]["message"]
    # Then nothing changed and no mail went to the new address
    assert (users.get(rt.db, user_id) or {})["email"] == "ena-0001@example.jp"
    assert not [m for m in mailbox.sent() if "thief@example.jp" in m["to"]]


def test_own_email_change_needs_the_password_and_the_new_address_code(city: City, rt: Runtime) -> None:
    me = console_login("ena-0001")
    user_id = str(city.users["committee"]["user_id"])
    started = me.post(
        f"/api/admin/users/{user_id}/email", {"email": "New.Address@example.jp", "current_password": "ena-0001-Pass1"}
    )
    assert started.status == 200 and started.json["new_email"] == "new.address@example.jp", started
    # The old address is told a change began; the new one gets the code; nothing changed yet
    assert "new.address@example.jp" in mailbox.last_to("ena-0001@example.jp")["body"]
    code = mailbox.last_code("new.address@example.jp")
    assert (users.get(rt.db, user_id) or {})["email"] == "ena-0001@example.jp"
    assert me.get(f"/api/admin/users/{user_id}").json["pending_email"] == "new.address@example.jp"
    # A wrong code spends a try and says how many are left; a malformed one spends none
    wrong = me.post(f"/api/admin/users/{user_id}/email/confirm", {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status == 400 and "あと4回" in wrong.json["error"]["message"], wrong
    assert me.post(f"/api/admin/users/{user_id}/email/confirm", {"code": "１２３４５６"}).status == 400
    # When the code from the new address comes back, the change takes effect
    done = me.post(f"/api/admin/users/{user_id}/email/confirm", {"code": code})
    assert done.status == 200 and done.json["email"] == "new.address@example.jp", done
    # Then both addresses are told, with both addresses in the mail, and the audit log holds both
    for address in ("ena-0001@example.jp", "new.address@example.jp"):
        body = mailbox.last_to(address)["body"]
        assert "変更前: ena-0001@example.jp" in body and "変更後: new.address@example.jp" in body
    entry = last_audit(me, "email_changed")
    assert entry["detail"] == {"old_email": "ena-0001@example.jp", "new_email": "new.address@example.jp"}
    # And the code works once
    again = me.post(f"/api/admin/users/{user_id}/email/confirm", {"code": code})
    assert again.status == 409 and again.code == "email_change_not_found", again


def test_an_admin_changes_a_users_email_only_once_the_new_address_answers(city: City, rt: Runtime) -> None:
    admin = console_login("ena-0001")
    staff = console_login("ena-0003")
    target = str(city.users["company_staff"]["user_id"])
    # The admin re-enters their own password; the code goes to the user's new address
    started = admin.post(
        f"/api/admin/users/{target}/email", {"email": "staff-new@example.jp", "current_password": "ena-0001-Pass1"}
    )
    assert started.status == 200, started
    assert "上位の管理者" in mailbox.last_to("ena-0003@example.jp")["body"]
    code = mailbox.last_code("staff-new@example.jp")
    assert (users.get(rt.db, target) or {})["email"] == "ena-0003@example.jp"
    # The user's own session cannot finish someone else's request
    assert staff.post(f"/api/admin/users/{target}/email/confirm", {"code": code}).status == 409
    done = admin.post(f"/api/admin/users/{target}/email/confirm", {"code": code})
    assert done.status == 200 and done.json["email"] == "staff-new@example.jp", done
    # The user's old sessions end; sign-in codes now go to the new address
    assert staff.get("/api/auth/me").status == 401
    requested = last_audit(admin, "email_change_requested")
    assert requested["detail"] == {"old_email": "ena-0003@example.jp", "new_email": "staff-new@example.jp"}


def test_an_admin_corrects_a_users_name_and_a_lower_role_cannot(city: City, rt: Runtime) -> None:
    admin = console_login("ena-0001")
    target = str(city.users["company_staff"]["user_id"])
    reply = admin.put(f"/api/admin/users/{target}", {"name": "恵那 企業担当(修正)", "email": "ena-0003@example.jp"})
    assert reply.status == 200 and reply.json["name"] == "恵那 企業担当(修正)", reply
    entry = last_audit(admin, "user_updated")
    assert entry["detail"]["name"] == {"before": "ena-0003 さん", "after": "恵那 企業担当(修正)"}  # type: ignore[index]
    # A company staff member cannot rename their company admin, nor move their email
    staff = console_login("ena-0003")
    boss = str(city.users["company_admin"]["user_id"])
    assert staff.put(f"/api/admin/users/{boss}", {"name": "x"}).status == 403
    refused = staff.post(
        f"/api/admin/users/{boss}/email", {"email": "x@example.jp", "current_password": "ena-0003-Pass1"}
    )
    assert refused.status == 403
    assert (users.get(rt.db, boss) or {})["email"] == "ena-0002@example.jp"
