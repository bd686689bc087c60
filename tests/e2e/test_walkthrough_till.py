"""A shopkeeper at a busy till (390×844, Japanese browser): what the amount field does with what a
Japanese keyboard really types, and what the screen says once a mistake has been put right."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import PHONE, LocalServer, context_options, start_server
from tests.support.client import Client, over_http

NEW_PASSWORD = "Ena-walkthrough-26"


@pytest.fixture(scope="module")
def walk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A server of its own: these walks bind a terminal and change a demo password."""
    running = start_server(tmp_path_factory.mktemp("walk-till") / "state")
    try:
        yield running
    finally:  # stopped even when a walk fails: it would hold its port and state open otherwise
        running.process.terminate()
        running.process.wait(timeout=20)


@pytest.fixture
def till(walk_server: LocalServer, browser: Any) -> Iterator[Any]:
    """エーナ食堂 本店's till on 決済方法選択: bound and signed in over HTTP (binding and sign-in have their
    own browser tests), its cookies handed to the browser as the till's own."""
    staff = Client("merchant", transport=over_http(walk_server.base_url))
    terminal_id, password = walk_server.terminal("エーナ食堂 本店")
    assert staff.post("/api/merchant/terminal/bind", {"terminal_id": terminal_id, "password": password}).status == 200
    step = staff.post("/api/merchant/login", {"login_id": "shopuser01", "password": "shopuser01"})
    if step.status != 200:  # signed in before in this module: the password is already the new one
        step = staff.post("/api/merchant/login", {"login_id": "shopuser01", "password": NEW_PASSWORD})
    if step.json["next"] == "change_password":
        body = {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
        step = staff.post("/api/auth/initial-password", body)
    assert step.status == 200 and step.json["next"] == "done", step
    context = browser.new_context(**context_options(PHONE))
    context.add_cookies(
        [
            {
                "name": k,
                "value": v,
                "domain": "127.0.0.1",
                "path": "/",
                "httpOnly": True,
                "secure": True,
                "sameSite": "Strict",
            }
            for k, v in staff.cookies.items()
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(walk_server.base_url + "/merchant/")
    page.get_by_role("heading", name="決済方法選択").wait_for()
    yield page
    context.close()


def test_an_amount_typed_in_full_width_digits_is_kept(till: Any) -> None:
    amount = till.get_by_label("金額 (円)")
    amount.click()
    till.keyboard.insert_text("１５００")  # what a Japanese IME in full-width mode commits
    assert amount.input_value() == "1500"


def test_a_corrected_amount_no_longer_shows_the_old_error(till: Any) -> None:
    amount = till.get_by_label("金額 (円)")
    amount.fill("0")
    till.get_by_role("button", name="QRコード読取").click()
    till.get_by_text("金額は1円から9,999,999円までで入力してください。").wait_for()
    amount.fill("500")
    till.get_by_role("button", name="QRコード読取").click()
    till.get_by_text("500円を決済します。お客様に金額を確認しましたか？").wait_for()
    # The shopkeeper reads the screen behind the question: it must not say the amount is wrong.
    assert not till.get_by_text("金額は1円から9,999,999円までで入力してください。").is_visible()
