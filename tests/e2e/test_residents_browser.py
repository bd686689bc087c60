"""住民名簿 and 申込 end to end (issues 15.1-15.2, 23.2): the committee admin uploads a programme's resident
list, looks a resident up with a reason and opens the 申込期間; a resident using the English wallet
confirms eligibility and applies; the paper form refuses that same person."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from local.seed import PROGRAMME_ID
from tests.e2e.conftest import PC, LocalServer, assert_accessible, console_sign_in, context_options, last_code

JST = timedelta(hours=9)
PROGRAMME_NAME = "令和8年 恵那市プレミアム付商品券"


def test_committee_lists_residents_opens_applications_and_a_resident_applies(
    server: LocalServer, page: Any, browser: Any
) -> None:
    today = (datetime.utcnow() + JST).date()  # noqa: DTZ003  (the browser's JST day)
    data = "住民番号,氏名カナ,生年月日\r\nE-0001,ｴﾅ ﾊﾅｺ,1985-05-05\r\nE-0002,エナ タロウ,1950/1/2\r\n".encode("cp932")
    context = browser.new_context(**context_options(PC))
    console = context.new_page()
    console.set_default_timeout(15_000)
    try:
        console_sign_in(console, server, "ena-0001", "ena0001@shoken.example")
        # The demo programme by its id: other browser tests may add programmes of their own
        console.goto(server.base_url + f"/admin/#/residents?id={PROGRAMME_ID}")
        console.get_by_text("まだ取り込みはありません。").wait_for()  # the programme's list and uploads are loaded
        upload = {"name": "residents.csv", "mimeType": "text/csv", "buffer": data}
        console.get_by_label("CSVファイル (UTF-8 または Shift_JIS)").set_input_files(files=[upload])
        console.get_by_role("button", name="アップロード").click()
        console.get_by_text("2人の名簿を取り込みました").wait_for()
        # The 現在の名簿 summary is fetched after the upload's answer: wait for it, not for the first paint
        console.locator("section[aria-label='現在の名簿']").filter(has_text="2人").wait_for()
        # The counter search: hiragana typed, a reason chosen
        search = console.locator("form").filter(has=console.get_by_role("heading", name="名簿の照会"))
        search.get_by_label("住民番号").fill("e-0001")
        search.get_by_label("氏名カナ").fill("えな はなこ")
        search.get_by_label("生年月日").fill("1985-05-05")
        search.get_by_label("照会の理由").select_option(label="窓口での本人確認")
        search.get_by_role("button", name="照会").click()
        console.get_by_text("名簿に登録されています。").wait_for()
        # The 申込期間 opens today
        window = console.locator("form").filter(has=console.get_by_role("heading", name="申込期間"))
        window.get_by_label("申込開始日").fill(today.isoformat())
        window.get_by_label("申込終了日").fill((today + timedelta(days=14)).isoformat())
        window.get_by_label("販売冊数").fill("1000")
        window.get_by_role("button", name="保存").click()
        console.get_by_text("申込期間を保存しました。").wait_for()
        text = console.locator("main").inner_text()
        assert "undefined" not in text and "null" not in text
        assert_accessible(console)

        # A resident in the English wallet (phone size) confirms eligibility and applies for 2
        page.goto(server.base_url + "/wallet/")
        page.get_by_role("button", name="English").click()
        page.get_by_label("Email address").fill("hanako@example.jp")
        page.get_by_role("button", name="Send code").click()
        page.get_by_label("6-digit code").wait_for()
        page.get_by_label("6-digit code").fill(last_code(server, "hanako@example.jp"))
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Apply to buy vouchers").wait_for()
        page.locator("section[aria-labelledby='sales-label'] a").filter(has_text=PROGRAMME_NAME).click()
        page.get_by_label("Resident number").fill("E-0001")
        page.get_by_label("Name in kana").fill("エナ ハナコ")
        page.get_by_label("Date of birth").fill("1985-05-06")
        page.get_by_role("button", name="Confirm").click()
        page.get_by_text("The details do not match the resident list.").wait_for()
        page.get_by_label("Date of birth").fill("1985-05-05")
        page.get_by_role("button", name="Confirm").click()
        page.get_by_text("Your eligibility is confirmed.").wait_for()
        page.get_by_label("How many").select_option("2")
        page.get_by_role("button", name="Apply", exact=True).click()
        page.get_by_text("You applied for 2.").wait_for()
        wallet_text = page.locator("main").inner_text()
        assert "undefined" not in wallet_text and "null" not in wallet_text
        assert_accessible(page)

        # The paper form refuses the same person: one person, one eligibility
        console.reload()
        paper = console.locator("form").filter(has=console.get_by_role("heading", name="申込書の入力 (紙の申込)"))
        paper.get_by_label("住民番号").fill("E-0001")
        paper.get_by_label("氏名カナ").fill("エナ ハナコ")
        paper.get_by_label("生年月日").fill("1985-05-05")
        paper.get_by_role("button", name="申込を登録").click()
        console.get_by_text("この方はアプリで申込資格を登録済みです").wait_for()
        # The draw asks for confirmation and waits for the window to close
        console.get_by_role("button", name="抽選する").click()
        console.get_by_role("button", name="OK").click()
        console.get_by_text("が終わっていないため、抽選できません").wait_for()
    finally:
        context.close()
