"""A shopkeeper at a busy till (390×844, Japanese browser): what the amount field does with what a
Japanese keyboard really types, and what the screen says once a mistake has been put right."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import PHONE, LocalServer, context_options, start_server

NEW_PASSWORD = "Ena-walkthrough-26"


@pytest.fixture(scope="module")
def walk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A server of its own: these walks bind a terminal and change a demo password."""
    running = start_server(tmp_path_factory.mktemp("walk-till") / "state")
    yield running
    running.process.terminate()
    running.process.wait(timeout=20)


@pytest.fixture
def till(walk_server: LocalServer, browser: Any) -> Iterator[Any]:
    """エーナ食堂 本店's till, bound and signed in, on 決済方法選択."""
    context = browser.new_context(**context_options(PHONE))
    page = context.new_page()
    page.set_default_timeout(20_000)
    terminal_id, password = walk_server.terminal("エーナ食堂 本店")
    page.goto(walk_server.base_url + "/merchant/")
    page.get_by_label("端末ID").fill(terminal_id)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="OK").click()
    page.get_by_role("heading", name="店舗情報確認").wait_for()
    page.get_by_role("button", name="OK").click()
    page.get_by_role("heading", name="ログイン").wait_for()
    page.get_by_label("ログインID").fill("shopuser01")
    page.get_by_label("パスワード").fill("shopuser01")
    page.get_by_role("button", name="ログイン").click()
    step = page.get_by_role("heading", name="パスワード設定").or_(page.get_by_role("alert"))
    step.first.wait_for()
    if page.get_by_role("heading", name="パスワード設定").count():
        page.get_by_label("新しいパスワード", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("パスワードの確認").fill(NEW_PASSWORD)
        page.get_by_role("button", name="変更").click()
        page.get_by_role("button", name="OK").click()
    else:  # signed in before in this module: the password is already the new one
        page.get_by_label("パスワード").fill(NEW_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
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
