"""引換コードの発行 (issue 15.1): the committee sends the residents it wants to write to (the resident-list
columns), and gets back each one's code, as a PDF of slips to print or a CSV for a mailing house.

The whole file is checked first (every row must be well formed and on the programme's current list);
any error and nothing is issued, with the lines named. The sheet is built in the request and never
stored: the table keeps only the codes' keyed digests (shoken.redemption). Printing again gives the
same codes, so a lost sheet is simply asked for again. The PDF uses the payout statements' font cut
(programme.statements) and is limited to PDF_MAX_ROWS slips per file, the CSV to CSV_MAX_ROWS rows.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from programme.errors import CodeFileRows, CodeSheetTooManyRows, NoRowsToIssue
from programme.residents import _programme
from programme.statements import _font_for
from shoken import console, redemption, residents, sheets
from shoken.db import committees, keys
from shoken.db import residents as resident_items
from shoken.db.dynamo import Item
from shoken.errors import FileEmpty, InvalidRequest, ResidentListMissing, field_problem
from shoken.principal import Principal
from shoken.resident_file import check, decode, parse
from shoken.runtime import Runtime

PDF_MAX_ROWS = 2_000
CSV_MAX_ROWS = 20_000
SLIPS_PER_PAGE = 4
CSV_HEADER = ["住民番号", "氏名カナ", "生年月日", "引換コード"]


def sheet(rt: Runtime, caller: Principal, programme_id: str, raw: bytes, fmt: str) -> tuple[str, str, bytes]:
    """(file name, media type, content) of the code sheet for the residents in `raw`."""
    programme = _programme(rt, caller, programme_id)
    if fmt not in ("pdf", "csv"):
        raise InvalidRequest(details=[field_problem("format", "invalid", "sheet_format")])
    if not raw.strip():
        raise FileEmpty()
    current = resident_items.current(rt.db, programme_id)
    if current is None:
        raise ResidentListMissing()
    header, rows = parse(decode(raw))
    limit = PDF_MAX_ROWS if fmt == "pdf" else CSV_MAX_ROWS
    if len(rows) > limit:
        raise CodeSheetTooManyRows(format=fmt.upper(), limit=limit)
    people: list[residents.Person] = []
    checked, found = check(rt.resident_key, programme_id, header, rows, people)
    if not found and not checked.error_count:
        raise NoRowsToIssue()
    generation = str(current["generation"])
    wanted = [keys.resident(programme_id, generation, h) for _, h in found]
    listed: set[tuple[str, str]] = set()
    for start in range(0, len(wanted), 100):
        listed.update(rt.db.batch_get(wanted[start : start + 100], consistent=False))
    for (line, _), key in zip(found, wanted, strict=True):
        if key not in listed:
            checked.error(line, "", "住民名簿に載っていない方です。")
    checked.errors.sort(key=lambda e: e["line"])
    if checked.error_count:
        raise CodeFileRows(
            count=checked.error_count,
            details=[
                {"field": _where(e), "reason": "row", "reason_ja": e["reason"], "line": e["line"]}
                for e in checked.errors[:100]
            ],
        )
    new = redemption.issue(rt, programme_id, [h for _, h in found])
    codes = [redemption.shown(redemption.code_for(rt.resident_key, programme_id, h)) for _, h in found]
    committee = committees.get(rt.db, str(programme["committee_id"])) or {"name": ""}
    content = _csv(people, codes) if fmt == "csv" else _pdf(programme, str(committee["name"]), people, codes)
    console.programme_event("redemption_codes_issued", programme, people=len(found), new=new, format=fmt)
    media = "application/pdf" if fmt == "pdf" else "text/csv; charset=utf-8"
    return f"redemption_codes_{programme_id}.{fmt}", media, content


def _where(error: dict[str, Any]) -> str:
    return f"{error['line']}行目" + (f" {error['column']}" if error["column"] else "")


def _csv(people: list[residents.Person], codes: list[str]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for who, code in zip(people, codes, strict=True):
        writer.writerow([sheets.safe_text(who.resident_key), sheets.safe_text(who.name_kana), who.birth_date, code])
    return ("\ufeff" + out.getvalue()).encode()  # BOM: Excel opens UTF-8 as UTF-8


INTRO = "商品券 購入申込の引換コードのお知らせ"
GUIDE = (
    "スマートフォンの商品券アプリで「申込」を開き、「引換コードで申込資格を登録」にこのコードを入力してください。"
    "コードはお一人につき1回だけ使えます。他の方に渡さないでください。"
)


def _pdf(programme: Item, committee_name: str, people: list[residents.Person], codes: list[str]) -> bytes:
    from fpdf import FPDF

    name = str(programme["name"])
    texts = [INTRO, GUIDE, name, committee_name, "様", "住民番号", "引換コード", "発行"]
    every = "".join(texts + [p.name_kana + p.resident_key for p in people] + codes)
    pdf = FPDF(orientation="portrait", format="A4")
    pdf.set_title(f"引換コード {name}")
    pdf.set_author(committee_name)
    pdf.set_auto_page_break(False)
    folder = tempfile.mkdtemp()  # fpdf2 reads a font from a file
    try:
        font_file = Path(folder) / "codes.ttf"
        font_file.write_bytes(_font_for(every))
        pdf.add_font("jp", "", font_file)
        for index, (who, code) in enumerate(zip(people, codes, strict=True)):
            if index % SLIPS_PER_PAGE == 0:
                pdf.add_page()
            _slip(pdf, 12 + (index % SLIPS_PER_PAGE) * 70, name, committee_name, who, code)
        return bytes(pdf.output())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _slip(pdf: Any, top: float, name: str, committee_name: str, who: residents.Person, code: str) -> None:
    pdf.set_draw_color(150, 150, 150)
    pdf.set_dash_pattern(dash=2, gap=2)
    pdf.rect(12, top, 186, 64)
    pdf.set_dash_pattern()
    pdf.set_xy(18, top + 4)
    pdf.set_font("jp", size=13)
    pdf.cell(0, 8, INTRO, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(18)
    pdf.set_font("jp", size=10)
    pdf.cell(0, 6, f"{name}  ({committee_name} 発行)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(18)
    pdf.set_font("jp", size=12)
    pdf.cell(0, 8, f"{who.name_kana} 様    住民番号 {who.resident_key}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(18)
    pdf.set_font("jp", size=10)
    pdf.cell(28, 12, "引換コード")
    pdf.set_font("jp", size=22)
    pdf.cell(0, 12, code, new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(18, top + 42)
    pdf.set_font("jp", size=9)
    pdf.multi_cell(174, 5, GUIDE)
