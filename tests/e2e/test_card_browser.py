"""A card payment in the browser (issue 16): the committee issues a card in the console, the till's camera
reads the payment QR taken from the card sheet PDF itself, and the PIN pad completes the payment."""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from tests.e2e.camera import picture_video
from tests.e2e.conftest import PHONE, LocalServer, assert_accessible, console_sign_in, context_options, launch
from tests.e2e.test_every_page_browser import check
from tests.support.browser import bind_terminal, fake_camera, till_first_sign_in

_IMAGE = re.compile(
    rb"/DecodeParms <</BlackIs1 true /Columns (\d+) /K -1 /Rows (\d+) /BitsPerComponent 1>>\n"
    rb"/Filter /CCITTFaxDecode\n/Height \d+\n/Length (\d+)\n.*?stream\n",
    re.S,
)


def sheet_qr_codes(pdf: bytes) -> list[np.ndarray]:
    """The QR images of a card sheet as drawn in the PDF (fpdf2 stores them CCITT G4 encoded): each is
    wrapped in a one-strip TIFF for Pillow's decoder; True = black."""
    found = []
    for match in _IMAGE.finditer(pdf):
        width, height, length = (int(g) for g in match.groups())
        data = pdf[match.end() : match.end() + length]
        tags = [(256, width), (257, height), (258, 1), (259, 4), (262, 0), (273, 8 + 2 + 8 * 12 + 4), (278, height)]
        tags.append((279, length))
        ifd = struct.pack("<H", len(tags)) + b"".join(struct.pack("<HHII", t, 4, 1, v) for t, v in tags) + b"\0" * 4
        image = Image.open(io.BytesIO(b"II*\0" + struct.pack("<I", 8) + ifd + data))
        found.append(np.array(image.convert("L")) > 127)  # BlackIs1: a set bit is a black module
    return found


def decode(page: Any, picture: np.ndarray) -> str:
    """What a phone's camera would read from the picture: jsQR (the apps' own decoder) on the page."""
    modules = picture[5::10, 5::10]  # the sheet draws each module as a 10-pixel square
    big = np.kron(modules, np.ones((8, 8), dtype=bool))
    rgba = np.repeat(np.where(big, 0, 255).astype(np.uint8)[..., None], 4, axis=2)
    rgba[..., 3] = 255
    text = page.evaluate(
        """async ([data, size]) => {
          if (!window.jsQR) await new Promise((ok) => { const s = document.createElement('script');
            s.src = '/vendor/jsQR.js'; s.onload = ok; document.head.append(s); });
          const found = window.jsQR(new Uint8ClampedArray(data), size, size);
          return found ? found.data : null;
        }""",
        [rgba.flatten().tolist(), big.shape[0]],
    )
    assert text, "the QR code of the sheet could not be read"
    return str(text)


def api(page: Any, method: str, path: str, body: Any = None) -> Any:
    """A console API call from the signed-in page itself (its cookie and CSRF token)."""
    return page.evaluate(
        """async ([method, path, body]) => {
          const headers = { 'X-Shoken-App': 'admin', 'Content-Type': 'application/json',
            'X-CSRF-Token': sessionStorage.getItem('shoken.csrf.admin') };
          const reply = await fetch(path, { method, headers, body: body === null ? undefined : JSON.stringify(body) });
          return { status: reply.status, json: await reply.json() };
        }""",
        [method, path, body],
    )


def test_the_till_reads_a_card_sheet_and_the_pin_pad_completes_the_payment(
    server: LocalServer, page: Any, playwright: Any, tmp_path: Path
) -> None:
    # The committee: a till user for a store no other browser test uses, and a card issued on screen.
    console_sign_in(page, server, "ena-0001", "ena0001@shoken.example")
    stores = api(page, "GET", "/api/admin/stores?name=" + "まちなか青果店")["json"]["items"]
    store_id = next(s["store_id"] for s in stores if s["name"] == "まちなか青果店")
    made = api(page, "POST", "/api/admin/users", {"role": "store_manager", "store_id": store_id, "name": "カード 確認",
               "login_id": "cardtill01", "email": "cardtill01@shoken.example"})  # fmt: skip
    assert made["status"] == 200, made
    page.goto(server.base_url + "/admin/#/cards")
    page.get_by_role("heading", name="カード発行", exact=True).wait_for()
    page.get_by_label("暗証番号 (4桁)").first.fill("4071")
    page.get_by_role("button", name="発行", exact=True).click()
    page.get_by_role("button", name="OK").click()
    link = page.get_by_role("link", name=re.compile("カード台紙をダウンロード"))
    with page.expect_download() as download:
        link.click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert_accessible(page)
    number = page.locator("section[aria-label=発行結果] table a").inner_text().replace(" ", "")
    check(page, "#/cards")
    bought = api(page, "POST", "/api/admin/charges", {"programme_id": "R8ENA", "units": 1, "card_number": number,
                 "idempotency_key": "card-browser-charge-0001"})  # fmt: skip
    assert bought["status"] == 200, bought

    # The till's camera sees the sheet's payment QR (the first code on the page).
    video = picture_video(sheet_qr_codes(pdf)[0], tmp_path / "card.y4m")
    browser = launch(playwright, fake_camera(video))
    try:
        till = browser.new_context(**context_options(PHONE, permissions=["camera"])).new_page()
        till.set_default_timeout(20_000)
        bind_terminal(till, server, *server.terminal("まちなか青果店"))
        till_first_sign_in(till, "cardtill01", "Machinaka-card-26")
        till.get_by_label("金額 (円)").fill("500")
        till.get_by_role("button", name="QRコード読取").click()
        till.get_by_role("button", name="OK").click()

        # The cardholder types the PIN on the pad: the screen shows dots only.
        till.get_by_role("heading", name="暗証番号入力").wait_for()
        pad = till.get_by_role("group", name="暗証番号の数字")
        for digit in "4071":
            pad.get_by_role("button", name=digit, exact=True).click()
        assert "4071" not in till.locator("main").inner_text()
        assert till.locator(".pin-dots .on").count() == 4
        assert_accessible(till)
        till.get_by_role("button", name="お支払い").click()
        till.get_by_text("お支払いが完了しました").wait_for()
        assert till.get_by_test_id("card-balance").locator(".big-amount").inner_text().replace("\n", "") == "12,500円"
        assert_accessible(till)

        # The balance QR, read as a phone would, opens the read-only balance page without sign-in.
        balance_url = decode(page, sheet_qr_codes(pdf)[1])
        assert balance_url.startswith(server.base_url + "/wallet/card.html#")
        phone = browser.new_context(**context_options(PHONE)).new_page()
        phone.goto(balance_url)
        phone.locator(".big").wait_for()
        assert phone.locator(".big").inner_text() == "12,500円"
        assert "#" not in phone.url  # the secret leaves the address bar once read
        phone.get_by_text("決済").first.wait_for()
        check(phone, "card balance page")
        assert_accessible(phone)
    finally:
        browser.close()

    # The console's card detail shows the card, its state and today's spending.
    page.goto(f"{server.base_url}/admin/#/cards/detail?number={number}")
    page.get_by_role("heading", name="カード詳細").wait_for()
    page.get_by_text("500円 / 上限 50,000円").wait_for()
    check(page, "#/cards/detail")
