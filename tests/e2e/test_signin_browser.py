"""Sign-in in headless Chromium: console first login, merchant terminal setup + staff first login,
citizen sign-in; axe-core checks each page the test opens (issues 2 and 3)."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LocalServer, assert_accessible, last_code
from tests.support.browser import bind_terminal, till_first_sign_in, wallet_sign_in


def test_admin_first_login_changes_password_and_verifies_email(server: LocalServer, page: Any) -> None:
    # ena-0003 (企業担当者) is signed in by no other browser test, so its first login is still ahead here.
    page.goto(server.base_url + "/admin/")
    page.get_by_role("heading", name="ログイン").wait_for()
    assert_accessible(page)
    page.get_by_label("ログインID").fill("ena-0003")
    page.get_by_label("パスワード", exact=True).fill("ena-0003")
    page.get_by_role("button", name="ログイン").click()

    page.get_by_role("heading", name="パスワード変更").wait_for()
    page.get_by_text("パスワードが初期状態のため").wait_for()
    assert_accessible(page)
    page.get_by_label("新しいパスワードを入力").fill("ena-0003-Ena2026")
    page.get_by_label("パスワード確認").fill("ena-0003-Ena2026")
    page.get_by_role("button", name="変更する").click()
    page.get_by_text("パスワードを変更します。よろしいですか？").wait_for()
    page.get_by_role("button", name="OK").click()

    page.get_by_role("heading", name="メールアドレス認証").wait_for()
    assert_accessible(page)
    page.get_by_label("6桁の確認コード").fill(last_code(server, "ena0003@shoken.example"))
    page.get_by_role("button", name="ログイン").click()

    page.get_by_text("パスワードの変更が完了しました").wait_for()
    page.get_by_role("heading", name="取引履歴一覧").wait_for()  # where the manual's console opens
    assert_accessible(page)
    # With Japanese fonts the header stays one line on a phone and the menu opens below it, uncovered.
    header = page.locator("header.topbar").bounding_box()
    assert header and header["height"] <= 64, f"the phone header is {header} tall"
    page.get_by_role("button", name="メニュー").click()  # a phone-sized window: the menu is behind ≡
    first = page.locator("#sidenav a").first
    first.wait_for()
    box = first.bounding_box()
    assert box and box["y"] >= header["height"] - 1, "the header covers the menu's first link"
    page.get_by_role("link", name="管理ユーザ一覧").click()
    page.get_by_role("heading", name="管理ユーザ一覧").wait_for()
    page.get_by_role("cell", name="shopuser01", exact=True).wait_for()
    assert_accessible(page)


def test_merchant_terminal_setup_and_staff_first_login(server: LocalServer, page: Any) -> None:
    def accessible_and_names_the_store(screen: str) -> None:
        if screen == "店舗情報確認":
            page.get_by_text("エーナ食堂 本店").wait_for()
            page.get_by_text("0573-25-1001").wait_for()
        assert_accessible(page)

    bind_terminal(page, server, *server.terminal("エーナ食堂 本店"), at=accessible_and_names_the_store)
    till_first_sign_in(page, "shopstaff01", "Ena-shokudo-2026", at=accessible_and_names_the_store)
    page.get_by_text("パスワードを変更しました。").wait_for()

    # The device stays bound: a reload goes straight back to the signed-in till.
    page.reload()
    page.get_by_role("button", name="メニュー").wait_for()
    assert_accessible(page)


def test_citizen_signs_in_with_an_emailed_code(server: LocalServer, page: Any) -> None:
    wallet_sign_in(page, server, "hanako@example.jp", at=lambda screen: assert_accessible(page))
    page.get_by_text("ご利用可能金額").wait_for()
    balance = int(page.get_by_test_id("balance").inner_text().replace(",", "").replace("円", ""))
    assert 0 < balance <= 26_000  # two units bought, some spent in the demo history
    page.get_by_text("(有効期限").first.wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="QRコード表示").click()
    qr_image = page.get_by_role("img", name="QRコード表示")
    qr_image.wait_for()
    shown = page.locator("img[data-token]")
    shown.wait_for()
    assert shown.evaluate("img => img.decode().then(() => img.naturalWidth > 0)")
    assert page.get_by_role("timer").inner_text().startswith("有効期限まで")
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    page.get_by_text("Ask the store staff to scan this QR code.").wait_for()
    page.get_by_role("button", name="Back").click()
    page.get_by_text("Available balance").wait_for()
    page.reload()
    page.get_by_text("Available balance").wait_for()  # the language choice is remembered
    page.get_by_role("button", name="日本語").click()
