"""A resident-list CSV (住民名簿 or the same columns for 引換コード sheets): decoded, its header checked and
every row normalised and hashed, or every row's errors (line, column, reason; never the value).

Shared by the list-upload job (functions/workers/residents.py) and the code sheet built in the console
request (functions/programme/redemption.py), so both read a file the same way.
"""

from __future__ import annotations

import csv
import io

from shoken import csv_upload, residents
from shoken.csv_upload import LineErrors
from shoken.errors import DomainError, InvalidRequest, variant

MAX_ROWS = 300_000
FIELDS = dict(residents.COLUMNS)


# A resident file refused whole: codes and facts (their status and texts: shoken.messages, "resident files").
class FileRejected(DomainError, InvalidRequest):
    code = "resident_file_invalid"


FileUnreadable = variant(FileRejected, "encoding", "FileUnreadable")


FileEmpty = variant(FileRejected, "empty", "FileEmpty")


FileNotCsv = variant(FileRejected, "csv", "FileNotCsv")  # Facts: problem (what the CSV reader said of the header)


LineNotCsv = variant(FileNotCsv, "csv_line", "LineNotCsv")  # Facts: line, problem


ExtraColumns = variant(
    FileRejected, "extra_columns", "ExtraColumns"
)  # Facts: extra, needed (column names, comma-separated)


HeaderWrong = variant(FileRejected, "header", "HeaderWrong")  # Facts: needed (column names, comma-separated)


TooManyRows = variant(FileRejected, "too_many_rows", "TooManyRows")  # Facts: limit (rows)


Checked = LineErrors
UNNAMED = "(見出しのない列)"


def decode(raw: bytes) -> str:
    return csv_upload.decode(raw, lambda _said: FileUnreadable())


def parse(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty rows with their line numbers; the header must be exactly what is needed.
    Columns without a heading that are empty in every row (the trailing commas a spreadsheet's export
    leaves) are dropped; one that holds a value is an extra column."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        cells = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration as error:
        raise FileEmpty() from error
    except csv.Error as error:
        raise FileNotCsv(problem=str(error)) from error
    unnamed = {i for i, h in enumerate(cells) if not h}
    header = [h for h in cells if h]
    needed = [h for h, _ in residents.COLUMNS]
    extra = [h for h in header if h not in needed]
    if extra:
        raise ExtraColumns(extra=", ".join(extra), needed=", ".join(needed))
    missing = [h for h in needed if h not in header]
    if missing or len(set(header)) != len(header):
        raise HeaderWrong(needed=", ".join(needed))
    rows: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if unnamed and any(values[i].strip() for i in unnamed if i < len(values)):
                raise ExtraColumns(extra=UNNAMED, needed=", ".join(needed))
            rows.append((reader.line_num, [v for i, v in enumerate(values) if i not in unnamed]))
            if len(rows) > MAX_ROWS:
                raise TooManyRows(limit=MAX_ROWS)
    except csv.Error as error:
        raise LineNotCsv(line=reader.line_num, problem=str(error)) from error
    return header, rows


def check(
    key: bytes,
    programme_id: str,
    header: list[str],
    rows: list[tuple[int, list[str]]],
    people: list[residents.Person] | None = None,
) -> tuple[Checked, list[tuple[int, str]]]:
    """Every row's hash, or every row's errors (line, column, reason); duplicates in the file are errors.
    With `people`, each hashed row's normalised fields are appended to it too (in the same order)."""
    checked = Checked()
    found: list[tuple[int, str]] = []
    by_key: dict[str, int] = {}
    for line, values in rows:
        if len(values) != len(header):
            checked.error(line, "", "列の数が見出し行と一致しません。")
            continue
        data = {FIELDS[h]: v for h, v in zip(header, values, strict=True)}
        try:
            resident_key = residents.normalise_resident_key(data["resident_key"])
        except residents.FieldError as error:
            checked.error(line, residents.RESIDENT_KEY, str(error))
            resident_key = ""
        fields: dict[str, str] = {}
        for column, name, normalise in (
            (residents.NAME_KANA, "name_kana", residents.normalise_kana),
            (residents.BIRTH_DATE, "birth_date", residents.normalise_birth_date),
        ):
            try:
                fields[name] = normalise(data[name])
            except residents.FieldError as error:
                checked.error(line, column, str(error))
        if not resident_key or len(fields) < 2:
            continue
        if resident_key in by_key:
            checked.error(
                line,
                residents.RESIDENT_KEY,
                f"ファイル内で重複しています ({by_key[resident_key]}行目と同じ住民番号です)。",
            )
            continue
        by_key[resident_key] = line
        who = residents.Person(resident_key, fields["name_kana"], fields["birth_date"])
        found.append((line, residents.matching_hash(key, programme_id, who)))
        if people is not None:
            people.append(who)
    checked.errors.sort(key=lambda e: e["line"])
    return checked, found
