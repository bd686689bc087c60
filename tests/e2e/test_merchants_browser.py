"""The console registers a company, a store, a terminal and a store manager; the merchant app is then
set up with that terminal's ID and password and the new manager signs in (issue 4)."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import PC, PHONE, LocalServer, assert_accessible, console_sign_in, context_options
from tests.support.browser import bind_terminal, till_first_sign_in


def confirm(page: Any) -> None:
    page.get_by_text("更新します。よろしいですか？").wait_for()
    page.get_by_role("button", name="OK").click()


def test_register_merchant_then_set_up_the_merchant_app(server: LocalServer, browser: Any) -> None:
    console = browser.new_context(**context_options(PC)).new_page()
    console_sign_in(console, server, "sysadmin01", "sysadmin01@shoken.example")

    console.get_by_role("link", name="企業", exact=True).click()
    console.get_by_role("heading", name="企業一覧").wait_for()
    assert_accessible(console)
    console.get_by_role("link", name="企業登録").click()
    console.get_by_role("heading", name="企業登録").wait_for()
    console.get_by_label("アクワイアラ").select_option(label="恵那市商品券事業実行委員会/1")
    console.get_by_label("企業名", exact=True).fill("株式会社恵那テスト商事")
    console.get_by_label("電話番号").fill("0573-12-3456")
    console.get_by_role("button", name="登録").click()
    confirm(console)
    console.get_by_role("heading", name="企業詳細").wait_for()
    company_id = re.search(r"企業ID (\d{5})", console.get_by_role("status").first.inner_text()).group(1)

    console.get_by_role("link", name="店舗", exact=True).click()
    console.get_by_role("heading", name="店舗一覧").wait_for()
    console.get_by_role("link", name="店舗登録").click()
    console.get_by_role("heading", name="店舗登録").wait_for()  # not the list's own 企業 search field
    console.get_by_label("企業").select_option(label=f"株式会社恵那テスト商事/{company_id}")
    console.get_by_label("店舗名").fill("恵那テスト商店")
    console.get_by_label("店舗電話番号").fill("0573-12-9999")
    console.get_by_label("地区").fill("大井町")
    assert_accessible(console)
    console.get_by_role("button", name="登録").click()
    confirm(console)
    console.get_by_role("heading", name="店舗詳細").wait_for()
    store_id = re.search(r"店舗ID (\d{7})", console.get_by_role("status").first.inner_text()).group(1)

    console.get_by_role("link", name="この店舗の端末を登録").click()
    console.get_by_label("機器名").fill("iPhone 14")
    console.get_by_label("外部端末ID").fill("99999951")  # the demo seed holds 99999901..04
    console.get_by_label("外部連携サービス名").fill("enacity")
    console.get_by_role("button", name="登録").click()
    confirm(console)
    console.get_by_role("heading", name="端末詳細").wait_for()
    assert_accessible(console)
    terminal_id = console.locator("dt:text-is('端末ID') + dd").inner_text()
    password = console.locator("dt:text-is('端末パスワード') + dd").inner_text()
    assert re.fullmatch(r"\d{12}", terminal_id) and re.fullmatch(r"\d{4}", password)
    assert console.locator("dt:text-is('端末利用種別') + dd").inner_text() == "加盟店アプリ"
    # Not yet set up: 未設定, and no empty 設定した機器 row beside it
    assert console.locator("dt:text-is('端末設定') + dd").inner_text() == "未設定"
    assert console.locator("dt:text-is('設定した機器')").count() == 0

    console.get_by_role("link", name="管理ユーザ登録").click()
    console.get_by_role("heading", name="管理ユーザ登録").wait_for()
    console.get_by_label("権限").select_option("store_manager")
    console.get_by_label("アクワイアラ").select_option("1")
    console.get_by_label("企業").select_option(company_id)
    console.get_by_label("店舗").select_option(store_id)
    console.get_by_label("氏名").fill("テスト 太郎")
    console.get_by_label("ログインID").fill("newshop001")
    console.get_by_label("メールアドレス", exact=True).fill("newshop001@example.jp")
    console.get_by_label("入力したメールアドレスに登録結果を通知する").check()
    console.get_by_role("button", name="登録").click()
    confirm(console)
    console.get_by_text("管理ユーザの登録が完了しました。").wait_for()

    till = browser.new_context(**context_options(PHONE)).new_page()

    def shows_the_new_store(screen: str) -> None:
        if screen == "店舗情報確認":
            till.get_by_text("恵那テスト商店").wait_for()
            till.get_by_text(store_id).wait_for()

    bind_terminal(till, server, terminal_id, password, at=shows_the_new_store)
    till_first_sign_in(till, "newshop001", "Ena-new-shop-2026")
    till.get_by_role("button", name="メニュー").wait_for()
    assert_accessible(till)
