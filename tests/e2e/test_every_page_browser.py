"""Every page of the three apps at 1366×768 and 390×844 (issue 14.2-14.4): nothing scrolls sideways,
and no internal word (null, undefined, an error or reason code, a snake_case key) reaches the screen.

Lean on purpose: one browser, one context per app, one sign-in each; each page is checked at both
sizes by resizing the same page rather than loading it twice."""

from __future__ import annotations

import re
from typing import Any

from shoken import errors
from tests.e2e.conftest import PC, PHONE, LocalServer, console_sign_in, context_options
from tests.support.browser import bind_terminal, till_first_sign_in, wallet_sign_in

CODES = sorted(
    {c.code for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.ShokenError)}
    | set(errors.REASONS_JA)
)
INTERNAL = re.compile(
    r"\bnull\b|\bundefined\b|\bNaN\b|\[object |\b[a-z]+_[a-z_]+\b|\b(" + "|".join(map(re.escape, CODES)) + r")\b"
)


def check(page: Any, where: str) -> None:
    """The page as shown, at both sizes: no horizontal overflow, no internal words."""
    page.wait_for_load_state("networkidle")
    for size in (PC, PHONE):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 1, f"{where} at {size['width']}px scrolls sideways by {wide}px"
    # On a phone a detail list keeps room for its values (a fixed 220px label column left one character a line)
    cramped = page.evaluate(
        """() => [...document.querySelectorAll('dl.detail')].filter((dl) => dl.offsetParent).flatMap((dl) =>
          [...dl.querySelectorAll('dd')].filter((dd) => dd.getBoundingClientRect().width < 0.55 * dl.clientWidth)
            .map((dd) => dd.textContent.slice(0, 20)))"""
    )
    assert not cramped, f"{where} at {PHONE['width']}px squeezes values: {cramped}"
    # A card's first heading sits at the card's padding, with no blank band above it
    banded = page.evaluate(
        """() => [...document.querySelectorAll('.card > h2:first-child')].filter((h) => h.offsetParent)
          .filter((h) => h.getBoundingClientRect().top - h.parentElement.getBoundingClientRect().top > 24)
          .map((h) => h.textContent)"""
    )
    assert not banded, f"{where}: blank band above {banded}"
    # No heading over nothing (「登録結果」 stood alone before the first upload)
    bare = page.evaluate(
        """() => [...document.querySelectorAll('main h2')].filter((h) => h.offsetParent).filter((h) => {
          let next = h.nextElementSibling;
          while (next && (!next.offsetParent || !next.getBoundingClientRect().height)) next = next.nextElementSibling;
          return !next || !next.innerText.trim();
        }).map((h) => h.textContent)"""
    )
    assert not bare, f"{where}: headings with nothing under them: {bare}"
    text = page.evaluate("() => document.body.innerText")
    found = sorted({text[max(0, m.start() - 30) : m.end() + 10] for m in INTERNAL.finditer(text)})
    assert not found, f"{where} shows internal words: {found}"


# Every list pages alike (issue 14.11, web/shared/pager.js): « ‹ N › with 「N-M件目を表示中」 above the list at
# its right edge; no other paging control (さらに表示, 前へ/次へ) anywhere.
PAGER_WORDS = {
    "ja": ("ページ送り", ["最初のページ", "前のページ", "次のページ"], r"\d+-\d+件目を表示中|ありません"),
    "en": ("Pages", ["First page", "Previous page", "Next page"], r"Showing \d+-\d+|No "),
}
OTHER_PAGING = re.compile(r"さらに表示|もっと見る|前へ|次へ|Show more|Load more")


def check_pager(page: Any, where: str, language: str = "ja") -> None:
    name, buttons, status = PAGER_WORDS[language]
    shown = page.evaluate(
        """(name) => {
          const navs = [...document.querySelectorAll('nav.pager')].filter((n) => !n.hidden && n.getAttribute('aria-label') === name);
          if (navs.length !== 1) return { count: navs.length };
          const nav = navs[0];
          const list = nav.closest('section.paged');
          const rows = list && list.querySelector('.pager-rows');
          const box = nav.getBoundingClientRect();
          const end = [...nav.children].reduce((r, c) => Math.max(r, c.getBoundingClientRect().right), 0);
          return { count: 1,
            buttons: [...nav.querySelectorAll('button')].map((b) => b.getAttribute('aria-label')),
            status: nav.querySelector('[role=status]')?.textContent || '',
            page: nav.querySelector('.pager-page')?.textContent || '',
            gapRight: list ? list.getBoundingClientRect().right - end : -1,
            above: rows ? box.bottom <= rows.getBoundingClientRect().top + 1 : false,
            words: document.body.innerText };
        }""",
        name,
    )
    assert shown["count"] == 1, f"{where}: {shown['count']} pagers named {name}"
    assert shown["buttons"] == buttons and re.search(status, shown["status"]), (
        where,
        shown["buttons"],
        shown["status"],
    )
    assert shown["above"] and shown["gapRight"] <= 2, f"{where}: the pager is not at the list's top right: {shown}"
    assert not OTHER_PAGING.search(shown["words"]), (
        f"{where}: another paging control: {OTHER_PAGING.search(shown['words'])}"
    )


PAGED = {"#/users", "#/companies", "#/stores", "#/terminals", "#/app-users", "#/audit"}
CONSOLE_PAGES = [
    "#/history", "#/files", "#/reports", "#/users", "#/users/new", "#/companies", "#/companies/new", "#/stores",
    "#/stores/new", "#/terminals", "#/terminals/new", "#/programmes", "#/charge", "#/campaigns", "#/app-users",
    "#/bulk", "#/audit", "#/password", "#/retention",
]  # fmt: skip
DETAILS = {"#/users": "#/users/detail", "#/companies": "#/companies/detail", "#/stores": "#/stores/detail",
           "#/terminals": "#/terminals/detail", "#/app-users": "#/app-users/detail",
           "#/programmes": "#/programmes/detail"}  # fmt: skip


def test_every_console_page_fits_and_speaks_japanese(server: LocalServer, browser: Any) -> None:
    context = browser.new_context(**context_options(PC))
    page = context.new_page()
    page.set_default_timeout(20_000)
    console_sign_in(page, server, "ena-0001", "ena0001@shoken.example")
    for hash_ in CONSOLE_PAGES:
        page.goto(f"{server.base_url}/admin/{hash_}")
        page.locator("main h1").first.wait_for()
        check(page, hash_)
        if hash_ in PAGED:
            page.get_by_role("status").filter(has_text=re.compile("件目を表示中|ありません")).wait_for()
            check_pager(page, hash_)
        if hash_ in DETAILS:
            link = page.locator(f"main a[href^='{DETAILS[hash_]}']").first
            link.wait_for()
            link.click()
            page.locator("main h1").first.wait_for()
            check(page, DETAILS[hash_])
        if hash_ == "#/history":
            page.evaluate("""() => {
              const from = document.querySelector('input[name=date_from]');
              from.value = new Date(Date.now() + 9 * 3600e3 - 40 * 86400e3).toISOString().slice(0, 10) + 'T00:00';
            }""")
            page.get_by_role("button", name="検索", exact=True).click()
            page.get_by_role("status").filter(has_text="件目を表示中").wait_for()
            check(page, "取引履歴一覧 (results)")
            check_pager(page, "取引履歴一覧 (results)")
            page.locator("main tbody a").first.click()
            page.get_by_role("heading", name="取引履歴詳細").wait_for()
            check(page, "#/history/detail")
    # The local mailbox, where a tester on a phone reads the codes, fits too (its mails wrapped sideways)
    page.goto(f"{server.base_url}/_local/mail")
    page.get_by_role("heading", name="ローカルメールボックス").wait_for()
    check(page, "/_local/mail")
    page.goto(f"{server.base_url}/admin/#/password")
    page.locator("main h1").first.wait_for()
    # On a phone the closed menu is out of sight and out of the keyboard's way; ≡ opens it
    page.set_viewport_size(PHONE)
    menu = page.get_by_role("navigation", name="メニュー")
    menu.get_by_role("link", name="監査ログ").wait_for(state="hidden", timeout=3000)
    page.get_by_role("button", name="メニュー").click()
    menu.get_by_role("link", name="監査ログ").wait_for()
    page.get_by_role("button", name="メニュー").click()
    menu.get_by_role("link", name="監査ログ").wait_for(state="hidden")
    page.set_viewport_size(PC)
    # A refused change names the field in words, not a code (「現在のパスワード: mismatch」 before).
    # The form is checked before its confirm dialog (issue 14.6): no dialog for what cannot be sent.
    page.goto(f"{server.base_url}/admin/#/password")
    page.get_by_role("button", name="変更する").click()
    page.get_by_role("alert").filter(has_text="「現在のパスワード」を入力してください。").wait_for()
    assert page.locator("dialog").count() == 0
    page.get_by_label("現在のパスワード").fill("not-my-password-1")
    page.get_by_label("新しいパスワードを入力").fill("Another-Pass-2026")
    page.get_by_label("パスワード確認").fill("Another-Pass-2027")
    page.get_by_role("button", name="変更する").click()
    page.get_by_role("alert").filter(has_text="一致しません").wait_for()
    assert page.locator("dialog").count() == 0
    page.get_by_label("パスワード確認").fill("Another-Pass-2026")
    page.get_by_role("button", name="変更する").click()
    page.get_by_role("button", name="OK").click()
    page.get_by_role("alert").filter(has_text="現在のパスワード").wait_for()
    check(page, "#/password (refused)")
    context.close()


def test_every_merchant_and_wallet_page_fits_and_speaks_the_users_language(server: LocalServer, browser: Any) -> None:
    context = browser.new_context(**context_options(PHONE))
    till = context.new_page()
    till.set_default_timeout(20_000)
    bind_terminal(till, server, *server.terminal("恵那ショッピングセンター"), at=lambda screen: check(till, screen))
    till_first_sign_in(till, "scmanager01", "Ena-sc-manager-26", at=lambda screen: check(till, screen))
    till.get_by_role("heading", name="決済方法選択").wait_for()
    check(till, "決済方法選択")

    wallet = context.new_page()
    wallet.set_default_timeout(20_000)
    wallet_sign_in(wallet, server, "taro@example.jp", at=lambda screen: check(wallet, f"wallet {screen}"))
    wallet.get_by_test_id("balance").wait_for()

    # A payment today at this store (MPM: the till shows its QR, the wallet pays it), so that
    # 決済完了, 取引履歴 and 取引詳細 have something to show.
    till.get_by_label("金額 (円)").fill("100")
    till.get_by_role("button", name="QRコード表示").click()
    qr_text = till.locator("img[data-qr-text]").get_attribute("data-qr-text")
    paid = wallet.evaluate(
        """async (text) => {
          const r = await fetch(`/api/wallet/mpm/${encodeURIComponent(text.slice(6))}/pay`, { method: 'POST',
            headers: { 'X-Shoken-App': 'wallet', 'Content-Type': 'application/json',
              'X-CSRF-Token': sessionStorage.getItem('shoken.csrf.wallet') },
            body: JSON.stringify({ idempotency_key: 'sweep-' + Date.now() }) });
          return r.status; }""",
        qr_text,
    )
    assert paid == 200
    till.get_by_text("お支払いが完了しました").wait_for()
    check(till, "決済完了")
    number = till.get_by_test_id("number").inner_text()
    for item, heading in (("パスワード変更", "パスワード変更"), ("取引履歴", "取引履歴")):
        till.get_by_role("button", name="メニュー").click()
        till.get_by_role("link", name=item).click()
        till.get_by_role("heading", name=heading).wait_for()
        check(till, heading)
    till.get_by_role("status").filter(has_text="件目を表示中").wait_for()
    check_pager(till, "加盟店 取引履歴")
    # 日計 counts today's payment (the totals follow the stream within a few seconds).
    daily = till.locator("section[aria-labelledby=daily-title] dd").first
    for _ in range(20):
        daily.wait_for()
        if re.match(r"[1-9][\d,]*件", daily.inner_text()):
            break
        till.wait_for_timeout(500)
        till.get_by_role("button", name="メニュー").click()
        till.get_by_role("link", name="取引履歴").click()
        till.get_by_role("heading", name="取引履歴").wait_for()
    assert re.match(r"[1-9][\d,]*件 [\d,]+円", daily.inner_text()), daily.inner_text()
    # 取引番号で検索 opens that transaction's 取引詳細; it comes before the day's list, not after 50 rows of it.
    number_box, list_box = (
        till.get_by_label("取引番号で検索").bounding_box(),
        till.locator("section.paged").bounding_box(),
    )
    assert number_box and list_box and number_box["y"] < list_box["y"]
    till.get_by_label("取引番号で検索").fill(number)
    till.get_by_role("button", name="検索").click()
    till.get_by_role("heading", name="取引詳細").wait_for()
    till.get_by_text(number).first.wait_for()
    check(till, "取引詳細")

    wallet.reload()
    wallet.get_by_test_id("balance").wait_for()
    for language in ("ja", "en"):
        if language == "en":
            wallet.get_by_role("button", name="English").click()
            wallet.get_by_role("button", name="Show QR code").wait_for()
        check(wallet, f"wallet home ({language})")
        names = {"ja": ("取引履歴", "加盟店一覧", "戻る"), "en": ("History", "Stores", "Back")}[language]
        for link in names[:2]:
            wallet.get_by_role("link", name=link).click()
            wallet.get_by_role("heading", name=link).wait_for()
            wallet.locator("ul.list li").first.wait_for()
            check(wallet, f"wallet {link}")
            check_pager(wallet, f"wallet {link}", language)
            if language == "en":
                # data (store and campaign names, addresses) stays as written; every word of the app is English
                words = wallet.locator("main h1, main button, main label, main .badge").all_inner_texts()
                if link == "History":
                    words += wallet.locator("main ul.list small, main ul.list strong").all_inner_texts()
                    assert any(w.startswith(("-¥", "+¥")) for w in words), words
                japanese = [w for w in words if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", w)]
                assert not japanese and not any(" yen" in w for w in words), (link, japanese)
            wallet.get_by_role("button", name=names[2]).click()

    # Installable (issue 14.12): each app links a manifest whose icons load.
    for app_page in (till, wallet):
        manifest = app_page.evaluate(
            """async () => { const link = document.querySelector('link[rel=manifest]');
              const m = await (await fetch(link.href)).json();
              const sizes = [];
              for (const icon of m.icons) { const r = await fetch(icon.src); if (r.ok) sizes.push(icon.sizes); }
              return { name: m.name, sizes }; }"""
        )
        assert manifest["name"] and {"192x192", "512x512"} <= set(manifest["sizes"]), manifest
    # Offline: a banner says so, and a request answers at once in the page's language (English here).
    context.set_offline(True)
    wallet.get_by_role("alert").filter(has_text="You are offline").wait_for()
    wallet.get_by_role("link", name="History").click()
    wallet.get_by_role("alert").filter(has_text="try again where you have a signal").wait_for()
    context.set_offline(False)
    context.close()
