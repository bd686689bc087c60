"""支払通知書 (PDF, one per company per run) and the payout list (CSV / XLSX) of a frozen run.

The PDF embeds Noto Sans JP from the `justmytype-intl-cjk` package (SIL Open Font License). The font
is variable (Thin to Black) and 9.5 MB: it is cut to the characters of the statement first, then set
to Regular (400), so a statement takes about a second instead of instancing 17,000 glyphs. fpdf2 and
fontTools are imported only here, when a statement is asked for.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from programme import payouts
from programme.errors import NoPaymentToCompany, StatementNotFound
from shoken import api, sheets
from shoken.clock import jst_display
from shoken.db import committees
from shoken.db import payouts as store
from shoken.db.dynamo import Item
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime

_T, _N = sheets.Kind.TEXT, sheets.Kind.NUMBER
LIST_COLUMNS = [
    sheets.Column(title, kind)
    for title, kind in (
        ("精算期間", _T), ("支払日", _T), ("支払先区分", _T), ("支払先ID", _T), ("支払先名", _T), ("企業ID", _T),
        ("企業名", _T), ("店舗ID", _T), ("店舗名", _T), ("券種", _T), ("決済件数", _N), ("決済額", _N),
        ("取消件数", _N), ("取消額", _N), ("差引額", _N), ("前回繰越", _N), ("支払対象額", _N), ("手数料", _N),
        ("振込額", _N), ("次回繰越", _N), ("振込状況", _T), ("振込先", _T), ("口座", _T),
    )
]  # fmt: skip


def _font_path() -> Path:
    spec = importlib.util.find_spec("justmytype_intl_cjk")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("justmytype-intl-cjk is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ofl" / "notosansjp" / "NotoSansJP[wght].ttf"


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """The characters the font can draw (its own character map)."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(_font_path()), lazy=True).getBestCmap())


MISSING = "〓"  # 下駄記号: the printers' mark for a character the type does not have


def printable(text: str) -> str:
    """`text` with each character the font lacks (an emoji in a store's name, say) drawn as 〓: fpdf2
    would draw it as nothing, and a name with a hole in it reads as another name."""
    chars = covered()
    return "".join(c if ord(c) in chars or c in "\n" else MISSING for c in text)


def _font_for(text: str) -> bytes:
    """Noto Sans JP Regular holding just the characters of `text` (plus ASCII)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(str(_font_path()))
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    cutter = subset.Subsetter(options)
    cutter.populate(text=text + "".join(chr(c) for c in range(32, 127)) + "～・、。（）円")
    cutter.subset(font)
    regular = instancer.instantiateVariableFont(font, {"wght": 400}, updateFontNames=True)
    out = io.BytesIO()
    regular.save(out)
    return out.getvalue()


def _yen(amount: int) -> str:
    return f"{amount:,}円"


def _statement_rows(lines: list[Item]) -> list[list[str]]:
    rows = []
    for line in lines:
        for s in line["stores"]:
            rows.append(
                [
                    f"{s['store_name']} ({s['store_id']})",
                    str(s["voucher_type_label"]),
                    f"{int(s['payment_count']):,}",
                    _yen(int(s["payment_amount"])),
                    f"{int(s['cancel_count']):,}",
                    _yen(int(s["cancel_amount"])),
                    _yen(int(s["net"])),
                ]
            )
    return rows


def statement_pdf(rt: Runtime, caller: Principal, run_id: str, company_id: str) -> tuple[str, bytes]:
    """支払通知書 for one company: what each of its stores took, cancels, fee and the amount transferred."""
    from fpdf import FPDF

    run = payouts._readable_run(rt, caller, run_id)
    if payouts._is_company_caller(caller) and caller.company_id != company_id:
        raise StatementNotFound()
    lines = store.lines(rt.db, run_id, company_id)
    if not lines:
        raise NoPaymentToCompany()
    committee = committees.get(rt.db, str(run["committee_id"])) or {"name": ""}
    company_name = str(lines[0]["company_name"])
    view = payouts._run_view(run, lines)
    title = "支払通知書"
    facts = [
        ("発行者", str(committee["name"])),
        ("宛先", f"{company_name} 御中 (企業ID {company_id})"),
        ("商品券事業", str(run["programme_name"])),
        ("精算期間", view.period_label),
        ("支払日 (振込予定日)", str(run["pay_date"]).replace("-", "/")),
        ("状態", view.state_label + (f" ({str(run['paid_on']).replace('-', '/')} 振込)" if run.get("paid_on") else "")),
        ("手数料率", payouts._fee_label(int(run["fee_bps"]))),
    ]
    table_head = ["店舗", "券種", "決済件数", "決済額", "取消件数", "取消額", "差引額"]
    rows = _statement_rows(lines)
    payees = []
    for line in view.lines:
        payees.append(
            [
                f"{line.payee_name} ({line.payee_id})",
                _yen(line.period_net),
                _yen(line.carry_in),
                _yen(line.fee),
                _yen(line.transfer),
                f"{line.bank_label or '口座未登録'} {line.account_masked or ''}".strip(),
                line.status_label,
            ]
        )
    payee_head = ["支払先", "期間の差引額", "前回繰越", "手数料", "振込額", "振込先口座", "振込状況"]
    total = sum(line.transfer for line in view.lines)
    closing = [
        f"振込額合計 {_yen(total)}",
        "決済額・取消額は期間中 (日本時間) の取引日時で集計しています。確定後の取消は次回の精算で差し引きます。"
        "手数料は円未満切り捨てです。差引額が0円以下の場合や振込先口座が未登録の場合は、次回の精算に繰り越します。"
        f" 発行日時 {jst_display(rt.clock.now())}",
    ]
    facts = [(label, printable(value)) for label, value in facts]
    rows = [[printable(cell) for cell in row] for row in rows]
    payees = [[printable(cell) for cell in row] for row in payees]
    cells = [cell for row in rows + payees for cell in row]
    # Every character drawn must be in the font cut for this statement.
    every = "".join([title, *(a + b for a, b in facts), *table_head, *payee_head, *cells, *closing])
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(printable(f"{title} {company_name} {view.period_label}"))
    pdf.set_author(str(committee["name"]))
    folder = tempfile.mkdtemp()  # fpdf2 reads a font from a file: Lambda's /tmp, removed below
    try:
        font_file = Path(folder) / "statement.ttf"
        font_file.write_bytes(_font_for(every))
        pdf.add_font("jp", "", font_file)
        content = _draw(pdf, title, facts, table_head, rows, payee_head, payees, closing)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    api.audit_event(
        "payout_statement_downloaded",
        scope=Scope(str(run["committee_id"]), company_id),
        target_type="payout_run",
        target_id=run_id,
        company_id=company_id,
    )
    return f"statement_{run['period_end']}_{company_id}.pdf", content


def _draw(
    pdf: Any,
    title: str,
    facts: list[tuple[str, str]],
    table_head: list[str],
    rows: list[list[str]],
    payee_head: list[str],
    payees: list[list[str]],
    closing: list[str],
) -> bytes:
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("jp", size=18)
    pdf.cell(0, 12, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("jp", size=10)
    for label, value in facts:
        pdf.cell(45, 6, label)
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _table(pdf, table_head, rows, [95, 25, 25, 30, 25, 30, 30])
    pdf.ln(4)
    _table(pdf, payee_head, payees, [70, 30, 27, 25, 30, 55, 40])
    pdf.ln(4)
    pdf.set_font("jp", size=12)
    pdf.cell(0, 8, closing[0], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("jp", size=8)
    pdf.multi_cell(0, 5, closing[1])
    return bytes(pdf.output())


def _table(pdf: Any, head: list[str], rows: list[list[str]], widths: list[int]) -> None:
    pdf.set_font("jp", size=9)
    pdf.set_fill_color(230, 236, 244)
    for text, width in zip(head, widths, strict=True):
        pdf.cell(width, 7, text, border=1, fill=True, align="C")
    pdf.ln()
    for row in rows:
        for i, (text, width) in enumerate(zip(row, widths, strict=True)):
            numeric = text.endswith("円") or text.replace(",", "").isdigit()
            pdf.cell(width, 6, text, border=1, align="R" if numeric and i > 0 else "L")
        pdf.ln()


# --- the payout list --------------------------------------------------------------------------------
def _list_rows(run: Item, lines: list[Item]) -> list[list[Any]]:
    view = payouts._run_view(run, lines)
    out: list[list[Any]] = []
    for line in view.lines:
        kind = "店舗" if line.payee_type == "store" else "企業"
        account = f"{line.account_masked}" if line.account_masked else ""
        parts: list[Any] = list(line.stores) or [None]
        for i, s in enumerate(parts):
            first = i == 0
            out.append(
                [
                    view.period_label,
                    str(run["pay_date"]).replace("-", "/"),
                    kind,
                    line.payee_id,
                    line.payee_name,
                    line.company_id,
                    line.company_name,
                    s.store_id if s else "",
                    s.store_name if s else "",
                    s.voucher_type_label if s else "",
                    s.payment_count if s else 0,
                    s.payment_amount if s else 0,
                    s.cancel_count if s else 0,
                    s.cancel_amount if s else 0,
                    s.net if s else 0,
                    line.carry_in if first else None,
                    line.gross if first else None,
                    line.fee if first else None,
                    line.transfer if first else None,
                    line.carry_out if first else None,
                    line.status_label if first else None,
                    line.bank_label or "" if first else None,
                    account if first else None,
                ]
            )
    return out


def payout_list(rt: Runtime, caller: Principal, run_id: str, file_format: str) -> tuple[str, str, bytes]:
    """支払一覧 of a run, through the shared spreadsheet writer (CSV safe to open in Excel, or XLSX)."""
    payouts._require_committee(caller)
    run = payouts._readable_run(rt, caller, run_id)
    rows = _list_rows(run, store.lines(rt.db, run_id))
    fmt = sheets.Format(file_format)
    content = sheets.table_bytes(fmt, LIST_COLUMNS, rows, title="支払一覧")
    return f"payout_{run['programme_id']}_{run['period_end']}.{fmt.value}", fmt.content_type, content
