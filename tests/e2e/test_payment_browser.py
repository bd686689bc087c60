"""A real CPM payment in two browsers: the merchant page's camera is fed (Chromium's fake video
capture) the QR code the wallet page shows; both reach their completion screens (issue 6)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.e2e.camera import qr_video
from tests.e2e.conftest import PHONE, LocalServer, assert_accessible, context_options, launch
from tests.support.browser import bind_terminal, fake_camera, till_first_sign_in, wallet_sign_in


def test_merchant_camera_reads_the_wallet_qr_and_both_phones_complete(
    server: LocalServer, page: Any, playwright: Any, tmp_path: Path
) -> None:
    # The citizen shows the payment QR.
    wallet_sign_in(page, server, "taro@example.jp")
    before = int(page.get_by_test_id("balance").inner_text().replace(",", "").replace("円", ""))
    page.get_by_role("button", name="QRコード表示").click()
    token = page.locator("img[data-token]").get_attribute("data-token")
    assert token and re.fullmatch(r"\d{12}\.[A-Za-z0-9_-]+", token)

    # The store's phone: its camera sees that QR code.
    browser = launch(playwright, fake_camera(qr_video(token, tmp_path / "qr.y4m")))
    try:
        context = browser.new_context(**context_options(PHONE, permissions=["camera"]))
        till = context.new_page()
        till.set_default_timeout(20_000)
        bind_terminal(till, server, *server.terminal("エーナ食堂 本店"))
        till_first_sign_in(till, "shopuser01", "Ena-shokudo-mgr-26")

        till.get_by_role("heading", name="決済方法選択").wait_for()
        assert_accessible(till)
        till.get_by_label("金額 (円)").fill("100")
        till.get_by_role("button", name="QRコード読取").click()
        till.get_by_text("100円を決済します。お客様に金額を確認しましたか？").wait_for()
        till.get_by_role("button", name="OK").click()

        till.get_by_text("お支払いが完了しました").wait_for()
        number = till.get_by_test_id("number").inner_text()
        assert re.fullmatch(r"\d{18}", number)
        assert till.locator(".big-amount").inner_text().replace("\n", "") == "100円"
        assert_accessible(till)

        # The citizen's phone moves to its completion screen by itself.
        page.get_by_text("お支払いが完了しました").wait_for()
        page.get_by_text(number).wait_for()
        after = int(page.locator(".card .big-amount").inner_text().replace(",", "").replace("円", ""))
        assert after == before - 100
        assert_accessible(page)

        # The store manager finds it in 取引履歴 and cancels it.
        till.get_by_role("button", name="取引履歴").click()
        till.get_by_text(f"取引番号 {number}").click()
        till.get_by_role("button", name="この取引を取り消す").click()
        till.get_by_text("取引の取り消しを行います。よろしいですか？").wait_for()
        till.get_by_role("button", name="OK").click()
        till.get_by_text("取消処理が完了しました。").wait_for()
        assert till.get_by_test_id("status").inner_text() == "取消済み"
    finally:
        browser.close()
