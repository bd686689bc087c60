"""The one writer of every spreadsheet the system hands out: CSV (UTF-8 with a BOM, safe to open in
Excel) and XLSX (identifiers typed as text, amounts as numbers), from the same column list.

CSV cells that start like a formula (=, +, -, @, TAB, CR: the OWASP rule) get a leading apostrophe,
so `=HYPERLINK(...)` in a store name stays text. Numbers are written as numbers and never escaped.
XLSX never makes formulas from strings at all, so its text cells keep the value exactly.
Large files are written row by row: CSV as lines, XLSX with xlsxwriter's constant-memory mode to a
temporary file, so memory stays flat at any size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from shoken.clock import JST

BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_576 - 1  # Excel's sheet limit, less the header
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Kind(StrEnum):
    TEXT = "text"  # identifiers, numbers of transactions, names: kept exactly as written
    NUMBER = "number"  # amounts and counts
    DATETIME = "datetime"  # a Japan-time date and time (a datetime, shown as yyyy/mm/dd hh:mm:ss)


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = Kind.TEXT
    width: int = 14


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def content_type(self) -> str:
        return CSV_TYPE if self is Format.CSV else XLSX_TYPE


def safe_text(value: str) -> str:
    """A text cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind is Kind.NUMBER:
        return str(int(value))
    if column.kind is Kind.DATETIME and isinstance(value, datetime):
        return value.astimezone(JST).strftime("%Y/%m/%d %H:%M:%S")
    return safe_text(str(value))


def csv_line(columns: Sequence[Column], values: Sequence[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([_csv_cell(c, v) for c, v in zip(columns, values, strict=True)])
    return out.getvalue()


def csv_header(columns: Sequence[Column]) -> str:
    return csv_line([Column(c.title) for c in columns], [c.title for c in columns])


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    return (BOM + csv_header(columns) + "".join(csv_line(columns, r) for r in rows)).encode()


class XlsxSheet:
    """One sheet written row by row. `target` is a file path (constant memory, for big files) or a
    BytesIO (small reports, built in memory)."""

    def __init__(self, target: str | io.BytesIO, columns: Sequence[Column], *, title: str = "Sheet1") -> None:
        import xlsxwriter  # only an XLSX download loads it, not every admin or history cold start

        in_memory = not isinstance(target, str)
        self.workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": not in_memory,
                "in_memory": in_memory,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.bold = self.workbook.add_format({"bold": True})
        self.number = self.workbook.add_format({"num_format": "#,##0"})
        self.text = self.workbook.add_format({"num_format": "@"})
        self.datetime = self.workbook.add_format({"num_format": "yyyy/mm/dd hh:mm:ss"})
        self.add_sheet(columns, title=title)

    def add_sheet(self, columns: Sequence[Column], *, title: str) -> None:
        """Start another sheet of the same workbook; the rows added next go there (small books only:
        constant-memory mode writes one sheet at a time)."""
        self.columns = list(columns)
        self.sheet = self.workbook.add_worksheet(title[:31])
        for i, column in enumerate(self.columns):
            self.sheet.set_column(i, i, column.width)
            self.sheet.write_string(0, i, column.title, self.bold)
        self.sheet.freeze_panes(1, 0)
        self.rows = 0

    def add(self, values: Sequence[Any]) -> None:
        if self.rows >= XLSX_MAX_ROWS:
            raise OverflowError("an XLSX sheet holds at most 1,048,575 rows")
        self.rows += 1
        for i, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            if value is None or value == "":
                continue
            if column.kind is Kind.NUMBER:
                self.sheet.write_number(self.rows, i, int(value), self.number)
            elif column.kind is Kind.DATETIME and isinstance(value, datetime):
                self.sheet.write_datetime(self.rows, i, value.astimezone(JST).replace(tzinfo=None), self.datetime)
            else:
                self.sheet.write_string(self.rows, i, str(value), self.text)

    def close(self) -> None:
        self.workbook.close()


def xlsx_bytes(columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1") -> bytes:
    out = io.BytesIO()
    sheet = XlsxSheet(out, columns, title=title)
    for row in rows:
        sheet.add(row)
    sheet.close()
    return out.getvalue()


def table_bytes(
    fmt: Format, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1"
) -> bytes:
    """A small table (a report) in either format."""
    return csv_bytes(columns, rows) if fmt is Format.CSV else xlsx_bytes(columns, rows, title=title)


def file_stamp(at: datetime) -> str:
    """yyyymmdd_hhmm in Japan time, for file names (a file made at 06:11 JST on 12/02 is 20261202)."""
    return at.astimezone(JST).strftime("%Y%m%d_%H%M")


def attachment(filename: str) -> str:
    """Content-Disposition for a download (ASCII names only reach every browser unchanged)."""
    return f'attachment; filename="{filename}"'
