"""The first committee and system admin of a new deployment, then the console's first sign-in."""

from __future__ import annotations

import pytest

from infra import bootstrap
from shoken.runtime import Runtime
from tests.support import mailbox
from tests.support.client import Client

ARGS = ["--committee-id", "7", "--committee-name", "新市商品券実行委員会", "--city", "新市", "--service-id", "newcity",
        "--service-name", "新市の電子商品券", "--login-id", "firstadmin", "--name", "最初 の管理者", "--email", "first@example.jp"]  # fmt: skip


def test_bootstrap_creates_a_committee_and_a_system_admin_who_can_sign_in(rt: Runtime) -> None:
    bootstrap.main(["--table", rt.config.table_name, *ARGS])
    client = Client("admin")
    assert (
        client.post("/api/auth/login", {"login_id": "firstadmin", "password": "firstadmin"}).json["next"]
        == "change_password"
    )
    client.post(
        "/api/auth/initial-password", {"new_password": "First-admin-2026", "confirm_password": "First-admin-2026"}
    )
    me = client.post("/api/auth/verify", {"code": mailbox.last_code("first@example.jp")}).json["me"]
    assert me["role"] == "system_admin"
    assert [c["name"] for c in client.get("/api/site").json["committees"]] == ["新市商品券実行委員会"]
    with pytest.raises(SystemExit) as again:
        bootstrap.main(["--table", rt.config.table_name, *ARGS])  # never twice
    assert again.value.code == 1
