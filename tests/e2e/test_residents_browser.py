"""住民名簿 end to end (issues 15.1, 23.2): the committee admin uploads a programme's resident list on a
phone-sized screen, reads the result, and looks a resident up at the counter with a reason."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LocalServer, assert_accessible, console_sign_in


def test_committee_uploads_a_resident_list_and_looks_a_resident_up(server: LocalServer, page: Any) -> None:
    data = "住民番号,氏名カナ,生年月日\r\nE-0001,ｴﾅ ﾊﾅｺ,1985-05-05\r\nE-0002,エナ タロウ,1950/1/2\r\n".encode("cp932")
    console_sign_in(page, server, "ena-0001", "ena0001@shoken.example")
    page.goto(server.base_url + "/admin/#/residents")
    page.get_by_text("まだ取り込みはありません。").wait_for()  # the programme's list and uploads are loaded
    upload = {"name": "residents.csv", "mimeType": "text/csv", "buffer": data}
    page.get_by_label("CSVファイル (UTF-8 または Shift_JIS)").set_input_files(files=[upload])
    page.get_by_role("button", name="アップロード").click()
    page.get_by_text("2人の名簿を取り込みました").wait_for()
    page.get_by_text("登録人数").wait_for()
    assert "2人" in page.locator("section[aria-label='現在の名簿']").inner_text()
    # The counter search: hiragana typed, a reason chosen
    page.get_by_label("住民番号").fill("e-0001")
    page.get_by_label("氏名カナ").fill("えな はなこ")
    page.get_by_label("生年月日").fill("1985-05-05")
    page.get_by_label("照会の理由").select_option(label="窓口での本人確認")
    page.get_by_role("button", name="照会").click()
    page.get_by_text("名簿に登録されています。").wait_for()
    text = page.locator("main").inner_text()
    assert "undefined" not in text and "null" not in text
    assert_accessible(page)
