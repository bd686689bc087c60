"""抽選販売 end to end (issue 15): two residents apply in the wallet for the one unit on sale; the committee
closes and draws (each with a confirm step); the winner sees 当選 and buys at the counter (店頭チャージ),
the loser sees 落選. A programme of its own, so the other browser tests' sale state does not matter."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.e2e.conftest import PC, PHONE, LocalServer, assert_accessible, console_sign_in, context_options
from tests.support.browser import wallet_sign_in

JST = timedelta(hours=9)
NAME = "抽選販売テスト商品券"
PEOPLE = (("S-0001", "ウミノ アキ", "1990-01-01"), ("S-0002", "ヤマノ ナツ", "1991-02-02"))
POST = """async ([path, body]) => {
  const response = await fetch(path, { method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
    headers: { 'X-Shoken-App': 'admin', 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('shoken.csrf.admin') } });
  return [response.status, await response.json()];
}"""


def open_sale(
    console: Any, server: LocalServer, name: str, people: tuple[tuple[str, str, str], ...], today: Any
) -> str:
    """A programme of its own, its resident list uploaded and its 申込期間 open with one unit on sale."""
    body = {
        "name": name, "unit_price": 10_000, "unit_value": 12_000, "common_share": 6_000, "dedicated_share": 6_000,
        "sale_start": (today - timedelta(days=1)).isoformat(), "sale_end": (today + timedelta(days=30)).isoformat(),
        "use_start": today.isoformat(), "use_end": (today + timedelta(days=120)).isoformat(), "limit_units": 3,
    }  # fmt: skip
    status, created = console.evaluate(POST, ["/api/admin/programmes", body])
    assert status == 200, created
    programme_id = str(created["programme_id"])
    # The committee uploads the list and opens the window, with one unit on sale
    console.goto(f"{server.base_url}/admin/#/residents?id={programme_id}")
    console.get_by_text("まだ取り込みはありません。").wait_for()
    data = ("住民番号,氏名カナ,生年月日\r\n" + "".join(f"{k},{n},{b}\r\n" for k, n, b in people)).encode()
    console.get_by_label("CSVファイル (UTF-8 または Shift_JIS)", exact=True).set_input_files(
        files=[{"name": "residents.csv", "mimeType": "text/csv", "buffer": data}]
    )
    console.get_by_role("button", name="アップロード").click()
    console.get_by_text(f"{len(people)}人の名簿を取り込みました").wait_for()
    window = console.locator("form").filter(has=console.get_by_role("heading", name="申込期間"))
    window.get_by_label("申込開始日").fill(today.isoformat())
    window.get_by_label("申込終了日").fill((today + timedelta(days=14)).isoformat())
    window.get_by_label("購入期限").fill((today + timedelta(days=20)).isoformat())
    window.get_by_label("販売冊数").fill("1")
    window.get_by_role("button", name="保存").click()
    console.get_by_text("申込期間を保存しました。").wait_for()
    return programme_id


def fill_person(place: Any, key: str, kana: str, birth: str) -> None:
    """The three fields the resident list is matched by, as a resident or a clerk types them."""
    place.get_by_label("住民番号").fill(key)
    place.get_by_label("氏名(カナ)").fill(kana)
    place.get_by_label("生年月日").fill(birth)


def charge_at_counter(console: Any, server: LocalServer, programme_id: str, find_by: str, target: str) -> Any:
    """店頭チャージ of the form's 1 unit to the wallet named, confirmed; the form, for what follows."""
    console.goto(server.base_url + "/admin/#/charge")
    form = console.locator("form").filter(has=console.get_by_role("button", name="チャージする"))
    form.get_by_label("商品券事業").select_option(programme_id)
    form.get_by_label("アプリユーザの指定方法").select_option(find_by)
    form.get_by_label("ユーザID / メールアドレス / QRコード").fill(target)
    form.get_by_role("button", name="チャージする").click()
    console.get_by_role("button", name="OK").click()
    return form


def test_residents_apply_the_committee_closes_and_draws_the_winner_buys_and_the_loser_is_told(
    server: LocalServer, browser: Any
) -> None:
    today = (datetime.utcnow() + JST).date()  # noqa: DTZ003  (the browser's JST day)
    console_context = browser.new_context(**context_options(PC))
    phones = [browser.new_context(**context_options(PHONE)) for _ in PEOPLE]
    try:
        console = console_context.new_page()
        console.set_default_timeout(15_000)
        console_sign_in(console, server, "ena-0001", "ena0001@shoken.example")
        programme_id = open_sale(console, server, NAME, PEOPLE, today)

        # Each resident confirms eligibility and applies for one unit (phone size)
        wallets = []
        for (key, kana, birth), context, n in zip(PEOPLE, phones, (1, 2), strict=True):
            phone = context.new_page()
            phone.set_default_timeout(15_000)
            email = f"sale-resident{n}@example.jp"
            wallet_sign_in(phone, server, email)
            phone.get_by_role("link", name=NAME).click()
            fill_person(phone, key, kana, birth)
            phone.get_by_role("button", name="確認する").click()
            phone.get_by_text("申込資格を確認しました。").wait_for()
            phone.get_by_role("button", name="申し込む").click()
            phone.get_by_text("1冊で申し込みました。").wait_for()
            wallets.append((phone, email))
        assert_accessible(wallets[0][0])

        # The committee closes the window early, then draws; each step asks for confirmation
        console.reload()
        draw = console.locator("form").filter(has=console.get_by_role("heading", name="抽選"))
        draw.get_by_role("button", name="申込を締め切る").click()
        console.get_by_role("button", name="OK").click()
        console.get_by_text("に締め切りました。").wait_for()
        draw = console.locator("form").filter(has=console.get_by_role("heading", name="抽選"))
        draw.get_by_label("抽選方式").select_option("lot")
        draw.get_by_role("button", name="抽選する").click()
        console.get_by_role("button", name="OK").click()
        console.get_by_text("シード (監査ログに記録済み)").wait_for()  # the job has finished
        result = console.locator("form").filter(has=console.get_by_role("heading", name="抽選")).inner_text()
        assert "1人" in result and "null" not in result and "undefined" not in result
        # After the draw the sale screen offers 入金データ取込 (bank transfers), with no upload yet
        console.get_by_role("heading", name="入金データ取込 (銀行振込)").wait_for()
        console.get_by_text("まだ入金データの取込はありません。").wait_for()
        deposit = f"入金日,振込依頼人名,金額\r\n{today.isoformat()},000000000ﾀﾞﾚｶ,12000\r\n".encode("cp932")
        console.get_by_label("入金明細 (CSV形式)").set_input_files(
            files=[{"name": "deposits.csv", "mimeType": "text/csv", "buffer": deposit}]
        )
        console.get_by_role("button", name="入金データを取り込む").click()
        console.get_by_role("button", name="OK").click()
        console.get_by_text("0件を入金しました。未照合は 1件です。").wait_for()
        row = console.get_by_role("row").filter(has_text="2行目").inner_text()
        assert "未照合" in row and "この事業にない振込依頼人コード" in row and "12,000円" in row, row
        assert_accessible(console)

        # Each resident sees the result: exactly one 当選, one 落選
        seen = {}
        for phone, email in wallets:
            phone.reload()
            phone.get_by_role("link", name=NAME).wait_for()
            text = phone.locator("section[aria-labelledby='sales-label']").inner_text()
            seen[email] = "当選" if "当選 (1冊)" in text else "落選" if "落選" in text else text
        assert sorted(seen.values()) == ["当選", "落選"], seen
        winner = next(e for e, r in seen.items() if r == "当選")
        loser = next(e for e, r in seen.items() if r == "落選")

        # The winner buys at the counter; the loser cannot
        form = charge_at_counter(console, server, programme_id, "email", loser)
        console.get_by_text("抽選に当選していないため").wait_for()
        form.get_by_label("ユーザID / メールアドレス / QRコード").fill(winner)
        form.get_by_role("button", name="チャージする").click()
        console.get_by_role("button", name="OK").click()
        console.get_by_text("チャージが完了しました。").wait_for()
        phone = next(p for p, e in wallets if e == winner)
        phone.reload()
        phone.get_by_text("購入済み").wait_for()
        assert "12,000" in phone.locator("main").inner_text()
    finally:
        console_context.close()
        for context in phones:
            context.close()


DRAWN = """async (programmeId) => {
  const response = await fetch(`/api/admin/programmes/${programmeId}/sale`, { credentials: 'same-origin', headers: { 'X-Shoken-App': 'admin' } });
  return JSON.stringify(await response.json()).includes('"drawn"');
}"""


def test_a_paper_winner_is_charged_at_the_counter_by_the_details_on_his_form(server: LocalServer, browser: Any) -> None:
    today = (datetime.utcnow() + JST).date()  # noqa: DTZ003  (the browser's JST day)
    context = browser.new_context(**context_options(PC))
    try:
        console = context.new_page()
        console.set_default_timeout(15_000)
        console_sign_in(console, server, "ena-0001", "ena0001@shoken.example")
        people = (("K-0001", "カワノ フユ", "1948-03-03"),)
        programme_id = open_sale(console, server, "紙申込テスト商品券", people, today)
        # Fuyu (no smartphone) applied on paper for the one unit; the committee closes and draws
        key, kana, birth = people[0]
        paper = {"resident_key": key, "name_kana": kana, "birth_date": birth, "units": 1}
        sale = f"/api/admin/programmes/{programme_id}"
        for path, body in (
            (f"{sale}/applications", paper),
            (f"{sale}/sale/close", {}),
            (f"{sale}/draw", {"rule": "lot"}),
        ):
            status, reply = console.evaluate(POST, [path, body])
            assert status == 200, (path, reply)
        console.wait_for_function(DRAWN, arg=programme_id, polling=500)
        status, sheet = console.evaluate(POST, ["/api/admin/cards", {"pin": "4071"}])  # a card not from the list
        assert status == 200, sheet
        number = sheet["cards"][0]["card_number"]

        # At the counter, the card alone does not say who he is: the clerk is told to check his details
        form = charge_at_counter(console, server, programme_id, "card_number", number)
        console.get_by_text("住民番号・氏名(カナ)・生年月日で本人を確認してチャージしてください。").wait_for()
        # The fields for them open by themselves; with his 申込書's details the charge goes through
        assert form.locator("details").evaluate("(d) => d.open")
        fill_person(form, key, kana, birth)
        form.get_by_role("button", name="チャージする").click()
        console.get_by_text("紙の申込書の当選分として 1冊").wait_for()
        console.get_by_role("button", name="OK").click()
        console.get_by_text("チャージが完了しました。").wait_for()
        result = console.locator("dl").inner_text()
        assert "住民名簿で確認済み" in result and number in result and "12,000円" in result, result
        assert_accessible(console)
    finally:
        context.close()
