"""精算 in the console: the committee confirms a closed period, downloads the 全銀 transfer file and a
company's 支払通知書; the company's admin then sees the run and its own statement (issue 17)."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import PC, PHONE, LocalServer, assert_accessible, console_sign_in, context_options


def test_committee_confirms_a_run_and_the_company_sees_its_statement(server: LocalServer, browser: Any) -> None:
    console = browser.new_context(**context_options(PC, accept_downloads=True)).new_page()
    console_sign_in(console, server, "ena-0001", "ena0001@shoken.example")
    console.get_by_role("link", name="精算・支払通知書").click()
    console.get_by_role("heading", name="精算", exact=True).wait_for()
    assert_accessible(console)
    # The latest closed period: a first run reaches back to the start of the usage period
    console.get_by_role("button", name="精算確定").last.click()
    console.get_by_role("button", name="OK").click()
    console.get_by_role("heading", name="精算詳細").wait_for()
    assert "作成済み" in console.locator("dt:text-is('状態') + dd").inner_text()
    count = int(console.locator("dt:text-is('振込件数') + dd").inner_text().rstrip("件"))
    assert count > 0
    with console.expect_download() as transfer:
        console.get_by_role("button", name="振込ファイル (全銀) をダウンロード").click()
    records = transfer.value.path().read_bytes().split(b"\r\n")[:-1]
    assert records[0][:3] == b"121" and records[-1][:1] == b"9" and all(len(r) == 120 for r in records)
    assert len(records) == count + 3 and int(records[-2][1:7]) == count  # header, data, trailer, end
    with console.expect_download() as statement:
        console.get_by_role("button", name="株式会社エーナ食堂 の支払通知書 (PDF)").click()
    assert statement.value.path().read_bytes().startswith(b"%PDF")
    assert_accessible(console)

    company = browser.new_context(**context_options(PHONE, accept_downloads=True)).new_page()
    console_sign_in(company, server, "ena-0002", "ena0002@shoken.example")  # the company's 企業管理者
    company.goto(server.base_url + "/admin/#/payouts")
    company.get_by_role("heading", name="精算・支払通知書").wait_for()
    company.locator("table a").first.click()
    company.get_by_role("heading", name="精算詳細").wait_for()
    assert company.get_by_role("button", name="振込ファイル (全銀) をダウンロード").count() == 0
    assert "恵那ショッピングセンター株式会社" not in company.locator("table").inner_text()  # another company's
    with company.expect_download() as own:
        company.get_by_role("button", name="株式会社エーナ食堂 の支払通知書 (PDF)").click()
    assert own.value.path().read_bytes().startswith(b"%PDF")
