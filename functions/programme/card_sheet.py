"""カード台紙 (card sheet) PDF: one A4 page per card, for a card printer or plain paper.

Each page holds the card number, the payment QR and the balance-check QR, the committee's contact and
利用方法 in large print; a generated PIN is printed in a box to cut off and keep apart from the card.
The holder's name, when the clerk gives one, is printed and then forgotten: it is in no item, log or
audit entry. The font is the payout statements' Noto Sans JP, cut to the page's characters.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from programme import statements
from programme.errors import UnprintableName
from programme.statements import _font_for
from shoken import cards
from shoken.db.dynamo import Item

HOW_TO = (
    "お店でこのカードを出し、「お支払い用」QRコードを読み取ってもらいます。",
    "お店の端末に4桁の暗証番号を入力します。お店の方には数字は見えません。",
    "お支払いのあと、お店の画面で残りの金額を確認できます。",
    "残高は「残高確認用」QRコードをスマートフォン等で読み取ると確認できます。",
    "暗証番号を5回間違えるとカードがロックされます。窓口でロックを解除します。",
    "紛失・盗難のときは、すぐに実行委員会へご連絡ください。カードを止めて再発行します。",
)


@dataclass(frozen=True)
class Page:
    number: str
    pay_text: str
    balance_url: str
    holder_name: str | None
    pin: str | None  # printed only when generated; a PIN the resident chose is not


def _qr_png(text: str) -> io.BytesIO:
    import qrcode
    from qrcode.image.pure import PyPNGImage

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(image_factory=PyPNGImage).save(out)
    out.seek(0)
    return out


def _contact(committee: Item) -> str:
    parts = [str(committee.get("name") or "")]
    if committee.get("contact_phone"):
        parts.append(f"電話 {committee['contact_phone']}")
    if committee.get("contact_hours"):
        parts.append(str(committee["contact_hours"]))
    return "  ".join(p for p in parts if p)


def check_names(names: list[str | None]) -> None:
    """A name is printed as typed or refused before any card is written: a character the font lacks
    would print as a blank (checked against the font's own character map)."""
    if not any(names):
        return
    covered = statements.covered()
    for name in names:
        if any(ord(c) not in covered or not c.isprintable() for c in name or ""):
            raise UnprintableName()


def render(committee: Item, pages: list[Page]) -> bytes:
    """The sheet of every card in `pages`, one page each."""
    from fpdf import FPDF

    title = f"{committee.get('wallet_service_name') or committee.get('name')} カード"
    contact = _contact(committee)
    texts = [title, contact, *HOW_TO, "お支払い用", "残高確認用", "カード番号", "様", "暗証番号のお知らせ"]
    texts += [
        "この部分は切り取り、カードとは別に保管してください。",
        "利用方法",
        "お問い合わせ",
        "ご本人が窓口で設定した番号です。",
    ]
    texts += [p.holder_name or "" for p in pages]
    pdf = FPDF(orientation="portrait", format="A4")
    pdf.set_title(title)
    pdf.set_author(str(committee.get("name") or ""))
    pdf.set_auto_page_break(False)
    folder = tempfile.mkdtemp()
    try:
        font_file = Path(folder) / "card.ttf"
        font_file.write_bytes(_font_for("".join(texts)))
        pdf.add_font("jp", "", font_file)
        for page in pages:
            _page(pdf, title, contact, page)
        return bytes(pdf.output())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _page(pdf: Any, title: str, contact: str, page: Page) -> None:
    pdf.add_page()
    pdf.set_font("jp", size=20)
    pdf.set_xy(15, 14)
    pdf.cell(180, 12, title, align="C")
    # The card itself (85.6 × 54 mm, ID-1): number and the two codes.
    pdf.set_draw_color(120, 120, 120)
    pdf.rect(15, 32, 180, 92)
    pdf.set_font("jp", size=11)
    pdf.set_xy(20, 36)
    pdf.cell(60, 6, "カード番号")
    pdf.set_font("jp", size=22)
    pdf.set_xy(20, 43)
    pdf.cell(170, 11, cards.display_number(page.number))
    if page.holder_name:
        size = 16.0
        pdf.set_font("jp", size=size)
        while pdf.get_string_width(f"{page.holder_name} 様") > 105 and size > 8:
            size -= 1
            pdf.set_font("jp", size=size)
        pdf.set_xy(85, 36)
        pdf.cell(105, 8, f"{page.holder_name} 様", align="R")
    for left, label, text in ((25, "お支払い用", page.pay_text), (125, "残高確認用", page.balance_url)):
        pdf.image(_qr_png(text), x=left, y=58, w=55, h=55)
        pdf.set_font("jp", size=14)
        pdf.set_xy(left, 114)
        pdf.cell(55, 7, label, align="C")
    # 利用方法 in large print.
    pdf.set_font("jp", size=18)
    pdf.set_xy(15, 132)
    pdf.cell(180, 10, "利用方法")
    pdf.set_font("jp", size=15)
    y = 144.0
    for step, line in enumerate(HOW_TO, start=1):
        pdf.set_xy(15, y)
        pdf.multi_cell(180, 8, f"{step}. {line}")
        y = pdf.get_y() + 2
    pdf.set_font("jp", size=14)
    pdf.set_xy(15, y + 2)
    pdf.cell(180, 8, "お問い合わせ")
    pdf.set_xy(15, y + 10)
    pdf.multi_cell(180, 8, contact)
    # The PIN, to cut off: below a dashed line at the foot of the page.
    pdf.set_dash_pattern(dash=2, gap=2)
    pdf.line(10, 250, 200, 250)
    pdf.set_dash_pattern()
    pdf.set_font("jp", size=14)
    pdf.set_xy(15, 255)
    pdf.cell(180, 8, "暗証番号のお知らせ")
    pdf.set_xy(15, 264)
    if page.pin:
        pdf.set_font("jp", size=26)
        pdf.cell(60, 14, page.pin)
        pdf.set_font("jp", size=12)
        pdf.set_xy(80, 267)
        pdf.cell(115, 8, "この部分は切り取り、カードとは別に保管してください。")
    else:
        pdf.set_font("jp", size=14)
        pdf.cell(180, 10, "ご本人が窓口で設定した番号です。")
