"""個人情報 in the console (issue 23.2-23.3): アプリユーザ詳細 shows the address masked until a reason is chosen,
then shows it and says so; 個人情報の保存期間 lists each programme's delete date and what goes."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import PC, LocalServer, assert_accessible, console_sign_in, context_options


def test_the_address_is_shown_after_a_reason_and_the_retention_page_says_what_goes_when(
    server: LocalServer, browser: Any
) -> None:
    context = browser.new_context(**context_options(PC))
    console = context.new_page()
    console.set_default_timeout(15_000)
    try:
        console_sign_in(console, server, "ena-0001", "ena0001@shoken.example")
        console.goto(server.base_url + "/admin/#/app-users")
        console.locator("main a[href^='#/app-users/detail']").first.click()
        panel = console.locator("form").filter(has=console.get_by_role("heading", name="個人情報の取扱い"))
        panel.wait_for()
        masked = console.locator("dl.detail dd").nth(1).inner_text()
        assert "*" in masked and masked.endswith("@example.jp"), masked
        # Without a reason nothing is shown
        panel.get_by_role("button", name="メールアドレスを表示").click()
        console.get_by_text("「理由」を入力してください。").wait_for()
        panel.get_by_label("理由").select_option(label="本人からの問い合わせ対応")
        panel.get_by_role("button", name="メールアドレスを表示").click()
        console.get_by_text("メールアドレスを表示しました (理由: 本人からの問い合わせ対応)。").wait_for()
        shown = console.locator("dl.detail dd").nth(1).inner_text()
        assert "*" not in shown and shown.endswith("@example.jp"), shown
        assert_accessible(console)
        # 個人情報の保存期間: every programme with its delete date
        console.goto(server.base_url + "/admin/#/retention")
        console.get_by_role("heading", name="個人情報の保存期間").wait_for()
        card = console.locator("main section.card").first
        assert "削除される情報" in card.inner_text() and "に削除します" in card.inner_text()
        assert "undefined" not in console.locator("main").inner_text()
        assert_accessible(console)
    finally:
        context.close()
