"""取引履歴 in the console: search, 取引履歴詳細, ダウンロード予約 → 完了 → download, and 集計 (issue 7)."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl

from tests.e2e.conftest import (
    PC,
    LocalServer,
    assert_accessible,
    console_sign_in,
    context_options,
    rendered_fields,
)


def test_search_detail_reservation_download_and_report(server: LocalServer, browser: Any) -> None:
    context = browser.new_context(**context_options(PC, accept_downloads=True))
    page = context.new_page()
    page.set_default_timeout(20_000)
    console_sign_in(page, server, "ena-0001", "ena0001@shoken.example")
    page.goto(server.base_url + "/admin/#/history")
    page.get_by_role("heading", name="取引履歴一覧").wait_for()
    # The date fields read as a Japanese clerk's do (issue 14.1), not "10/23/2026, 12:00 AM".
    assert rendered_fields(page, "input[name=date_from]") == "年/月/日 時間:分"
    # The demo's payments are spread over the last weeks: search the last 40 days.
    page.evaluate("""() => {
      const from = document.querySelector('input[name=date_from]');
      const d = new Date(Date.now() + 9 * 3600e3 - 40 * 86400e3);
      from.value = d.toISOString().slice(0, 10) + 'T00:00';
    }""")
    page.get_by_label("決済", exact=True).check()
    page.get_by_role("button", name="検索", exact=True).click()
    status = page.get_by_role("status").filter(has_text="件目を表示中")
    status.wait_for()
    assert re.match(r"1-\d+件目を表示中", status.inner_text())
    assert_accessible(page)
    first = page.locator("tbody tr").first
    assert first.locator("td").nth(3).inner_text() == "決済"
    number = first.locator("td").nth(1).inner_text()

    first.get_by_role("link").click()
    page.get_by_role("heading", name="取引履歴詳細").wait_for()
    page.get_by_text(number).first.wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="取引の取消").click()
    page.get_by_text("取引の取り消しを行います。よろしいですか？").wait_for()
    page.get_by_role("button", name="OK").click()
    page.get_by_text("取消処理が完了しました。").wait_for()
    assert page.locator("dt:text-is('取引状態') + dd").inner_text() == "取消済み"

    page.get_by_role("link", name="< 取引履歴一覧").click()
    page.get_by_role("button", name="ダウンロード予約").click()
    page.get_by_text("ダウンロード予約を受け付けました").wait_for()
    page.get_by_role("link", name="ファイルダウンロード").click()
    page.get_by_text("完了", exact=True).wait_for()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="ダウンロード").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")  # Excel is offered first (issue 14.5)
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["取引日時", "取引番号"] and len(rows) > 1
    assert number in {r[1] for r in rows[1:]}  # 取引番号 as text, not 2.6E+17

    page.get_by_role("link", name="集計", exact=True).click()
    page.get_by_role("heading", name="集計結果").wait_for()
    page.get_by_label("集計単位").select_option("store")
    page.get_by_role("button", name="集計する").click()
    chart = page.get_by_role("img", name="決済額 (取消控除後) のグラフ")
    chart.wait_for()
    assert chart.locator("rect").count() >= 1
    page.get_by_role("heading", name="精算 (店舗別)").wait_for()
    assert_accessible(page)
    context.close()
