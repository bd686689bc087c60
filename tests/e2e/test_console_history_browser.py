"""取引履歴 in the console: search, 取引履歴詳細, ダウンロード予約 → 完了 → download, and 集計 (issue 7)."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl

from tests.e2e.conftest import (
    PC,
    PHONE,
    LocalServer,
    assert_accessible,
    console_sign_in,
    context_options,
    rendered_fields,
)


def focused(page: Any) -> str:
    return str(
        page.evaluate(
            "() => document.activeElement.getAttribute('aria-label') || document.activeElement.getAttribute('role')"
        )
    )


def pages_through_with_the_keyboard(page: Any) -> None:
    """The shared pager (issue 14.11): › and Enter turn the page and keep the focus on ›; on the last
    page the focus moves to 「N-M件目を表示中」; « goes back to the first page."""
    nav = page.get_by_role("navigation", name="ページ送り", exact=True)
    status = nav.get_by_role("status")
    first, previous, following = (
        nav.get_by_role("button", name=n) for n in ("最初のページ", "前のページ", "次のページ")
    )
    assert first.is_disabled() and previous.is_disabled() and following.is_enabled()
    numbers = [page.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    following.focus()
    while True:
        page.keyboard.press("Enter")
        n = len(numbers)
        status.filter(has_text=re.compile(rf"^{5 * n + 1}-\d+件目を表示中$")).wait_for()
        assert nav.locator(".pager-page").inner_text().endswith(str(n + 1))
        numbers.append(page.locator("tbody tr td:nth-child(2)").all_inner_texts())
        if following.is_disabled():
            assert focused(page) == "status"  # not lost to the page
            break
        assert focused(page) == "次のページ" and len(numbers[-1]) == 5
    flat = [x for rows in numbers for x in rows]
    assert len(numbers) >= 3 and len(flat) == len(set(flat)), "pages overlap or repeat"
    previous.click()
    status.filter(has_text=re.compile(rf"^{5 * (len(numbers) - 2) + 1}-")).wait_for()
    assert focused(page) == "前のページ"
    first.focus()
    page.keyboard.press("Enter")
    status.filter(has_text=re.compile(r"^1-5件目を表示中$")).wait_for()
    assert page.locator("tbody tr td:nth-child(2)").all_inner_texts() == numbers[0]
    assert focused(page) == "status"


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
    # Pages of 5 rather than 50 (the demo has about 20 payments), so the real cursors page several times.
    page.route(
        re.compile(r".*/api/history\?.*"),
        lambda route: route.continue_(url=route.request.url.replace("page_size=50", "page_size=5")),
    )
    page.get_by_role("button", name="検索", exact=True).click()
    status = page.get_by_role("status").filter(has_text="件目を表示中")
    status.wait_for()
    assert status.inner_text() == "1-5件目を表示中"
    assert_accessible(page)
    pages_through_with_the_keyboard(page)
    page.unroute(re.compile(r".*/api/history\?.*"))
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
    assert "店舗外" not in str(chart.text_content())  # payments only; charges and grants are in the table
    # On a phone the chart's words keep their size (a scaled 760-wide drawing made them 6 px)
    page.set_viewport_size(PHONE)
    heights = "(svg) => [...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height)"
    # The resize lays the chart out again on the next frame: read its words once it has (0 before then)
    chart.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    sizes = chart.evaluate(heights)
    assert min(sizes) >= 14, sizes
    page.set_viewport_size(PC)
    page.get_by_role("heading", name="精算 (店舗別)").wait_for()
    # The settlement downloads under the name the server gives it (web/admin/common.js saveFile)
    with page.expect_download() as settlement:
        page.get_by_role("button", name="精算をCSVでダウンロード").click()
    assert settlement.value.suggested_filename.endswith(".csv"), settlement.value.suggested_filename
    assert len(settlement.value.path().read_bytes().decode("utf-8-sig").splitlines()) >= 2  # a header and a store
    assert_accessible(page)
    context.close()
