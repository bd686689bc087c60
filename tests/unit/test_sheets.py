"""The one spreadsheet writer (shoken.sheets): formulas never run, identifiers stay text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest

from shoken import sheets
from shoken.sheets import Column, Format, Kind

COLUMNS = (
    Column("取引番号"),
    Column("企業ID"),
    Column("店舗名"),
    Column("金額", Kind.NUMBER),
    Column("日時", Kind.DATETIME),
)
HOSTILE = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_csv_text_cell_that_starts_like_a_formula_is_quoted(value: str) -> None:
    # Given a store name that a spreadsheet would run; When it is written; Then it starts with '
    body = sheets.csv_bytes(COLUMNS, [["261202000000000001", "00001", value, -500, None]])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[1][2] == "'" + value
    assert rows[1][3] == "-500"  # a number is a number, negative or not
    assert rows[1][0] == "261202000000000001" and rows[1][1] == "00001"


def test_plain_text_is_written_unchanged_and_the_file_starts_with_a_bom() -> None:
    body = sheets.csv_bytes(COLUMNS, [["1", "2", "テスト店舗 (=本店)", 0, None]])
    assert body.startswith("\ufeff".encode())
    assert body.decode("utf-8-sig").splitlines()[1] == "1,2,テスト店舗 (=本店),0,"


def test_xlsx_keeps_identifiers_as_text_numbers_as_numbers_and_formulas_as_text() -> None:
    at = datetime(2026, 12, 1, 21, 11, tzinfo=UTC)  # 06:11 on 12/02 in Japan
    body = sheets.xlsx_bytes(COLUMNS, [["261202251348158001", "00001", HOSTILE[0], 1200, at]], title="取引履歴")
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book["取引履歴"]
    assert [c.value for c in sheet[1]] == [c.title for c in COLUMNS]
    number, company, name, amount, when = (c.value for c in sheet[2])
    assert number == "261202251348158001" and company == "00001"  # not 2.61E+17, not 1
    assert name == HOSTILE[0] and sheet.cell(2, 3).data_type == "s"  # text, never a formula
    assert amount == 1200 and isinstance(amount, int)
    assert when == datetime(2026, 12, 2, 6, 11, tzinfo=UTC).replace(tzinfo=None)  # a Japan wall-clock time


def test_a_big_xlsx_is_written_to_a_file_row_by_row(tmp_path: object) -> None:
    path = f"{tmp_path}/big.xlsx"
    sheet = sheets.XlsxSheet(path, COLUMNS)
    for n in range(2000):
        sheet.add([f"{n:018d}", "00001", "店", n, None])
    sheet.close()
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2001 and rows[-1][0] == f"{1999:018d}" and rows[-1][3] == 1999


def test_file_names_use_japan_time() -> None:
    assert sheets.file_stamp(datetime(2026, 12, 1, 21, 11, tzinfo=UTC)) == "20261202_0611"
    assert Format("xlsx").content_type.startswith("application/vnd.openxmlformats")
