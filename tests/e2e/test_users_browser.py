"""管理ユーザ詳細 and アクワイアラ in headless Chromium (issues 12.1, 12.8, 14.9): the system admin
corrects a store manager's name, changes their email with their own password and the code from the
new address, and registers a second city. Runs last: it changes accounts other browser tests read."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import PC, LocalServer, assert_accessible, console_sign_in, context_options, last_code

MANAGER_ID = "00000007"  # scmanager01 of the demo seed (大型 店長)


def ok(page: Any, text: str) -> None:
    page.get_by_text(text).wait_for()
    page.get_by_role("button", name="OK").click()


def test_correct_a_name_change_an_email_and_register_a_city(server: LocalServer, browser: Any) -> None:
    page = browser.new_context(**context_options(PC)).new_page()
    page.set_default_timeout(15_000)
    console_sign_in(page, server, "sysadmin01", "sysadmin01@shoken.example")

    page.goto(f"{server.base_url}/admin/#/users/detail?id={MANAGER_ID}")
    page.get_by_role("heading", name="管理ユーザ詳細").wait_for()
    page.get_by_role("heading", name="氏名・備考の修正").wait_for()
    assert_accessible(page)
    page.get_by_label("氏名").fill("大型 店長(修正)")
    page.get_by_role("button", name="更新").click()
    ok(page, "氏名を「大型 店長(修正)」に修正します。よろしいですか？")
    page.get_by_text("管理ユーザ情報を更新しました。").wait_for()
    page.get_by_role("definition").filter(has_text="大型 店長(修正)").wait_for()

    # A wrong own password is refused beside the field; the right one sends the code to the new address
    page.get_by_label("新しいメールアドレス").fill("big-store@shoken.example")
    page.get_by_label("あなたの現在のパスワード").fill("not-my-password")
    page.get_by_role("button", name="確認コードを送信").click()
    ok(page, "big-store@shoken.example に確認コードを送信します。よろしいですか？")
    page.get_by_role("alert").filter(has_text="現在のパスワードが正しくありません。").wait_for()
    page.get_by_label("あなたの現在のパスワード").fill("sysadmin01-Ena2026")
    page.get_by_role("button", name="確認コードを送信").click()
    ok(page, "big-store@shoken.example に確認コードを送信します。よろしいですか？")
    page.get_by_role("heading", name="確認コードの入力").wait_for()
    assert_accessible(page)
    page.get_by_label("確認コード").fill(last_code(server, "big-store@shoken.example"))
    page.get_by_role("button", name="メールアドレスを変更").click()
    ok(page, "メールアドレスを big-store@shoken.example に変更します。よろしいですか？")
    page.get_by_text("メールアドレスを変更しました。").wait_for()
    page.get_by_role("definition").filter(has_text="big-store@shoken.example").wait_for()
    told = [m for m in server.mails() if "メールアドレスが変更されました" in m["subject"]]
    assert {a for m in told for a in m["to"]} == {"scmanager01@shoken.example", "big-store@shoken.example"}

    # アクワイアラ登録: a second city
    page.get_by_role("link", name="アクワイアラ一覧").click()
    page.get_by_role("heading", name="アクワイアラ一覧").wait_for()
    page.get_by_role("link", name="アクワイアラ登録").click()
    page.get_by_role("heading", name="アクワイアラ登録").wait_for()
    assert_accessible(page)
    page.get_by_label("アクワイアラ名 (実行委員会名)").fill("中津川市商品券実行委員会")
    page.get_by_label("市区町村").fill("中津川市")
    page.get_by_label("ウォレットサービス名").fill("中津川市プレミアム付き電子商品券")
    page.get_by_label("ウォレットサービスID").fill("nakatsugawa")
    page.get_by_role("button", name="登録").click()
    ok(page, "アクワイアラを登録します。よろしいですか？")
    page.get_by_role("heading", name="アクワイアラ詳細").wait_for()
    page.get_by_text("アクワイアラを登録しました").wait_for()
    page.get_by_role("definition").filter(has_text="/wallet/?s=nakatsugawa").wait_for()
    # Its residents sign in on its own wallet address
    page.goto(f"{server.base_url}/wallet/?s=nakatsugawa")
    page.get_by_text("中津川市プレミアム付き電子商品券").first.wait_for()
    page.context.close()
