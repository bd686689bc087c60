"""お知らせ end to end (issue 18): the committee posts a notice in the console; a resident sees it
unread in the wallet's お知らせ tab, opens it, and the mark clears. The stage badge and the committee's
contact are on both screens; script in the body is shown as text and never runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.e2e.conftest import PC, LocalServer, assert_accessible, console_sign_in, context_options
from tests.support.browser import wallet_sign_in

JST = timedelta(hours=9)


def test_committee_posts_a_notice_and_a_resident_reads_it(server: LocalServer, page: Any, browser: Any) -> None:
    today = (datetime.utcnow() + JST).date()  # noqa: DTZ003  (the browser's JST day)
    context = browser.new_context(**context_options(PC))
    console = context.new_page()
    console.set_default_timeout(15_000)
    try:
        # The committee admin posts a notice to every resident
        console_sign_in(console, server, "ena-0001", "ena0001@shoken.example")
        assert console.locator("#stage-badge").inner_text() == "【ローカル】"
        console.get_by_role("link", name="お知らせ登録").click()
        console.get_by_label("件名").fill("年末の営業について")
        console.get_by_label("本文").fill(
            '<img src=x onerror="window.pwned=1">詳しくは https://example.jp/nenmatsu を御覧ください'
        )
        console.get_by_label("掲載終了日").fill((today + timedelta(days=7)).isoformat())
        console.get_by_role("button", name="登録").click()
        console.get_by_role("button", name="OK").click()
        console.get_by_role("heading", name="お知らせ詳細").wait_for()
        console.get_by_text("すべての利用者").wait_for()
        assert_accessible(console)
        # The contact is edited in one place (issue 14): the menu's お問い合わせ先 opens アクワイアラ詳細 at
        # the phone field; its update changes the footer at once
        console.get_by_role("link", name="お問い合わせ先").click()
        console.get_by_role("heading", name="アクワイアラ詳細").wait_for()
        console.wait_for_function("() => document.activeElement && document.activeElement.name === 'contact_phone'")
        console.get_by_label("問い合わせ受付時間").fill("平日8:30~17:15")
        console.get_by_role("button", name="更新").click()
        console.get_by_role("button", name="OK").click()
        console.get_by_text("更新しました。").wait_for()
        console.locator("#site-footer").get_by_text("平日8:30~17:15").wait_for()
        assert "#/committees/detail?id=1" in console.url  # the same screen as アクワイアラ一覧 → 詳細
    finally:
        context.close()

    # The resident's sign-in screen names the committee to call and the stage
    def names_the_committee(screen: str) -> None:
        if screen == "メールアドレス":
            footer = page.locator("#site-footer")
            footer.get_by_text("0573-54-2902").wait_for()
            assert "恵那市商品券事業実行委員会" in footer.inner_text() and "平日8:30~17:15" in footer.inner_text()
            assert page.locator("#stage-badge").inner_text() == "【ローカル】"

    wallet_sign_in(page, server, "hanako@example.jp", at=names_the_committee)

    # The お知らせ tab counts it unread; the list marks it 未読
    tabs = page.get_by_role("navigation", name="メニュー")
    tabs.get_by_test_id("unread-count").filter(has_text="1").wait_for()
    assert tabs.get_by_role("button").all_inner_texts()[0] == "ホーム"
    tabs.get_by_role("button", name="お知らせ").click()
    page.get_by_role("heading", name="お知らせ").wait_for()
    item = page.locator("details.notice-item").filter(has_text="年末の営業について")
    item.get_by_test_id("unread").wait_for()
    assert_accessible(page)

    # Opening it shows the body as text with a safe link, and the mark clears (also after a reload)
    item.locator("summary").click()
    link = item.get_by_role("link", name="https://example.jp/nenmatsu")
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert '<img src=x onerror="window.pwned=1">' in item.locator(".notice-body").inner_text()
    item.get_by_test_id("unread").wait_for(state="detached")
    assert tabs.get_by_test_id("unread-count").is_hidden()
    assert page.evaluate("() => window.pwned") is None
    page.reload()
    page.get_by_role("navigation", name="メニュー").get_by_role("button", name="お知らせ").click()
    reloaded = page.locator("details.notice-item").filter(has_text="年末の営業について")
    reloaded.wait_for()
    assert reloaded.get_by_test_id("unread").count() == 0
