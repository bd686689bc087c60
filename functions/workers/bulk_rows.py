"""マスタ一括登録's rows: the uploaded CSV decoded, read against its spec's header, each row held to
the console form's model; the errors by line and column, as the 登録結果 shows them."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from shoken import csv_upload, messages
from shoken.bulk_specs import Spec
from shoken.csv_upload import LineErrors
from shoken.errors import DomainError, variant
from shoken.roles import Role
from shoken.validation import reason_ja

MAX_ROWS = 20_000
# Values compared as codes: full-width digits and letters typed in Excel are folded to half-width.
FOLDED = {
    "company_id",
    "store_id",
    "phone",
    "login_id",
    "email",
    "external_company_id",
    "external_store_id",
    "external_terminal_id",
    "external_service_name",
    "committee_id",
    "bank_code",
    "branch_code",
    "account_number",
}
TRUE_WORDS = {"1", "true", "yes", "はい", "大型店", "○", "◯"}
FALSE_WORDS = {"", "0", "false", "no", "いいえ", "×"}


ACCOUNT_TYPE_WORDS = {"普通": "ordinary", "1": "ordinary", "当座": "current", "2": "current"}
ROLE_WORDS = {r.label: r.value for r in Role if r is not Role.CITIZEN} | {
    r.value: r.value for r in Role if r is not Role.CITIZEN
}


class FileRejected(DomainError):
    """A file the job cannot read at all: its code and facts (texts: shoken.messages, "マスタ一括登録
    files"); `text` is the job's result as the 登録結果 shows it. Not an HTTP error: the job ends failed
    with it, no request is answered."""

    code = "bulk_file_invalid"
    family = True


FileUnreadable = variant(FileRejected, "encoding", "FileUnreadable")
FileEmpty = variant(FileRejected, "empty", "FileEmpty")
FileNotCsv = variant(FileRejected, "csv", "FileNotCsv")  # Facts: problem (what the CSV reader said of the header)
LineNotCsv = variant(FileRejected, "csv_line", "LineNotCsv")  # Facts: line, problem
HeaderWrong = variant(FileRejected, "header", "HeaderWrong")  # Facts: needed (the columns in order, comma-separated)
TooManyRows = variant(FileRejected, "too_many_rows", "TooManyRows")  # Facts: limit (rows)


@dataclass
class Checked(LineErrors):
    """What validation found: valid rows in file order, and the errors by line."""

    rows: list[tuple[int, BaseModel]] = field(default_factory=list)


def decode(raw: bytes) -> str:
    return csv_upload.decode(raw, lambda _said: FileUnreadable())


def parse(spec: Spec, text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration as error:
        raise FileEmpty() from error
    except csv.Error as error:
        raise FileNotCsv(problem=str(error)) from error
    header = [h.strip().lstrip("\ufeff") for h in header]
    expected = [c for c, _ in spec.columns]
    if header != expected:
        raise HeaderWrong(needed=", ".join(expected))
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values) or (values and values[0].lstrip().startswith("#")):
                continue  # blank, or the template's notes and example (# lines)
            rows.append(
                (
                    reader.line_num,
                    {h: (values[i] if i < len(values) else "\u0000missing") for i, h in enumerate(header)}
                    | ({"\u0000extra": "x"} if len(values) > len(header) else {}),
                )
            )
            if len(rows) > MAX_ROWS:
                raise TooManyRows(limit=MAX_ROWS)
    except csv.Error as error:
        raise LineNotCsv(line=reader.line_num, problem=str(error)) from error
    return rows


def to_model(spec: Spec, line: int, values: dict[str, str], checked: Checked) -> BaseModel | None:
    if "\u0000extra" in values or "\u0000missing" in values.values():
        checked.error(line, "", messages.field_text("bulk_column_count", {}))
        return None
    data: dict[str, Any] = {}
    for header, name in spec.columns:
        value = values[header].strip()
        if name in FOLDED:
            value = unicodedata.normalize("NFKC", value)
        if name == "large":
            word = value.lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                checked.error(line, header, messages.field_text("bulk_large_word", {}))
                return None
            data[name] = word in TRUE_WORDS
        elif name == "role":
            data[name] = ROLE_WORDS.get(value, value)
        elif name == "account_type":
            data[name] = ACCOUNT_TYPE_WORDS.get(value, value) if value else "ordinary"
        elif value != "":
            data[name] = value
    try:
        return spec.model.model_validate(data)
    except ValidationError as error:
        labels = {n: h for h, n in spec.columns}
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem.get("loc") else ""
            checked.error(line, labels.get(name, name), reason_ja(problem))
        return None
