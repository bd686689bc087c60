"""`make screens`: screenshots of each app's main screens at 1366×768 and 390×844 into docs/screens/,
taken from a fresh local server with the demo city (the README shows them).

Run as `python -m tests.e2e.screens`. Viewport-sized PNGs (not full pages) keep the files small.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.e2e.conftest import (
    PC,
    PHONE,
    ROOT,
    LocalServer,
    console_sign_in,
    context_options,
    launch,
    start_server,
)
from tests.support.browser import bind_terminal, till_first_sign_in, wallet_sign_in

OUT = ROOT / "docs" / "screens"
SIZES = {"pc": PC, "phone": PHONE}


def shoot(page: Any, name: str, focus: str | None = None) -> None:
    """Both sizes; `focus` (a selector) is scrolled to the top first, e.g. the results under a form."""
    page.wait_for_load_state("networkidle")
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        if focus:
            page.locator(focus).first.evaluate(
                "(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 80)"
            )
        page.screenshot(path=str(OUT / f"{name}-{label}.png"))


def console(server: LocalServer, browser: Any) -> None:
    context = browser.new_context(**context_options(PC))
    page = context.new_page()
    page.set_default_timeout(20_000)
    console_sign_in(page, server, "ena-0001", "ena0001@shoken.example")
    page.goto(server.base_url + "/admin/#/history")
    page.evaluate("""() => {
      const from = document.querySelector('input[name=date_from]');
      from.value = new Date(Date.now() + 9 * 3600e3 - 40 * 86400e3).toISOString().slice(0, 10) + 'T00:00';
    }""")
    page.get_by_role("button", name="検索", exact=True).click()
    page.get_by_role("status").filter(has_text="件目を表示中").wait_for()
    shoot(page, "console-history", "section[aria-label=検索結果]")
    page.goto(server.base_url + "/admin/#/reports")
    # The demo's payments are spread over the last 40 days (this month alone may have none yet).
    page.evaluate("""() => {
      const from = document.querySelector('input[name=date_from]');
      from.value = new Date(Date.now() + 9 * 3600e3 - 40 * 86400e3).toISOString().slice(0, 10);
    }""")
    page.get_by_label("集計単位").select_option("store")
    page.get_by_role("button", name="集計する").click()
    page.get_by_role("heading", name="精算 (店舗別)").wait_for()
    page.get_by_role("img", name="決済額 (取消控除後) のグラフ").wait_for()
    shoot(page, "console-reports", "main h2")
    page.goto(server.base_url + "/admin/#/stores")
    page.locator("main tbody tr").first.wait_for()
    shoot(page, "console-stores")
    context.close()


def merchant_and_wallet(server: LocalServer, browser: Any) -> None:
    context = browser.new_context(**context_options(PHONE))
    wallet = context.new_page()
    wallet.set_default_timeout(20_000)
    wallet_sign_in(wallet, server, "hanako@example.jp")
    wallet.get_by_test_id("balance").wait_for()
    shoot(wallet, "wallet-home")
    wallet.get_by_role("link", name="取引履歴").click()
    wallet.locator("ul.list li").first.wait_for()
    shoot(wallet, "wallet-history")

    till = context.new_page()
    till.set_default_timeout(20_000)
    bind_terminal(till, server, *server.terminal("エーナ食堂 本店"))
    till_first_sign_in(till, "shopuser01", "Ena-shokudo-mgr-26")
    till.get_by_role("heading", name="決済方法選択").wait_for()
    till.get_by_label("金額 (円)").fill("1200")
    shoot(till, "merchant-pay")
    till.get_by_role("button", name="メニュー").click()
    till.get_by_role("link", name="取引履歴").click()
    till.locator("section[aria-labelledby=daily-title] dd").first.wait_for()
    shoot(till, "merchant-history")
    context.close()


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as state, sync_playwright() as playwright:
        server = start_server(Path(state) / "state")
        browser = launch(playwright)
        try:
            console(server, browser)
            merchant_and_wallet(server, browser)
        finally:
            browser.close()
            server.process.terminate()
            server.process.wait(timeout=20)
    shots = sorted(OUT.glob("*.png"))
    total = sum(p.stat().st_size for p in shots)
    print(f"{len(shots)} screenshots in {OUT.relative_to(ROOT)} ({total / 1024:,.0f} KiB)")
    return 0 if shots and all(re.match(r"[a-z-]+-(pc|phone)\.png", p.name) for p in shots) else 1


if __name__ == "__main__":
    sys.exit(main())
