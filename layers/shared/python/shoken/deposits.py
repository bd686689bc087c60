"""銀行振込による購入 (issue 15.5): each 当選 application of a wallet gets a 振込依頼人コード (9 digits, the
last a check digit), unique per programme by a condition; the committee uploads its bank's deposit list
and each deposit is matched by that code and the exact amount due, within the 購入期限.

The deposit list (CSV, UTF-8 or Shift_JIS) has exactly these columns, in any order:
  入金日 (2026-12-15, 2026/12/15 or 20261215), 金額 (a whole number of yen, commas allowed), and
  振込依頼人名 (the code written before the payer's name, e.g. 123456789ﾔﾏﾀﾞﾀﾛｳ) or 参照番号 (the code), or both.
Unknown columns, duplicated rows, negative, zero or non-integer amounts, amounts of more than 15 digits,
names or references longer than 120 characters and unreadable dates refuse the whole file with the
lines named; nothing is written.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from shoken import csv_upload, privacy
from shoken.db import keys
from shoken.db.dynamo import Expr, Item, TransactionFailed
from shoken.errors import DomainError, InvalidRequest, variant
from shoken.runtime import Runtime

DATE, PAYER, REFERENCE, AMOUNT = "入金日", "振込依頼人名", "参照番号", "金額"
COLUMNS = (DATE, PAYER, REFERENCE, AMOUNT)
MAX_ROWS = 2_000  # matched in the request, each credit its own transaction
MAX_TEXT = 120  # characters of a 振込依頼人名 or 参照番号 (banks write at most 48): what the result keeps of a row
MAX_DIGITS = 15  # of an amount: a larger one is no bank's deposit (DynamoDB keeps 38 digits, botocore fewer)
DIGITS = 8  # before the check digit
_CODE = re.compile(r"(?<![0-9])([0-9]{9})(?![0-9])")


# A deposit file refused: codes and facts (their status and texts: shoken.messages, "deposit files").
class DepositFileRejected(DomainError, InvalidRequest):
    code = "deposit_file_invalid"


DepositFileUnreadable = variant(DepositFileRejected, "encoding", "DepositFileUnreadable")


DepositFileEmpty = variant(DepositFileRejected, "empty", "DepositFileEmpty")


DepositLineNotCsv = variant(
    DepositFileRejected, "csv_line", "DepositLineNotCsv"
)  # Facts: line, problem (what the CSV reader said)


DepositTooManyRows = variant(DepositFileRejected, "too_many_rows", "DepositTooManyRows")  # Facts: limit (rows)


DepositExtraColumns = variant(
    DepositFileRejected, "extra_columns", "DepositExtraColumns"
)  # Facts: extra (the headers quoted back), columns (the ones a file may have)


DepositHeaderWrong = variant(
    DepositFileRejected, "header", "DepositHeaderWrong"
)  # Facts: date, amount, payer, reference (the column names)


NoDeposits = variant(DepositFileRejected, "no_rows", "NoDeposits")


class DepositFileRows(DomainError, InvalidRequest):
    code = "deposit_file_rows"


DepositRowsCounted = variant(
    DepositFileRows, "count", "DepositRowsCounted"
)  # Facts: count (lines in error); details: each line's problem


def check_digit(body: str) -> str:
    """Mod-10 weights 3,1 from the right (as bar codes use): any one wrong digit or most swaps are caught."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def is_valid(reference: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{9}", reference)) and check_digit(reference[:-1]) == reference[-1]


def candidate(key: bytes, programme_id: str, matching_hash: str, attempt: int) -> str:
    """The attempt-th code for an application: keyed (not guessable from the programme or the person)."""
    mac = hmac.new(key, f"payref|{programme_id}|{matching_hash}|{attempt}".encode(), hashlib.sha256).digest()
    body = str(int.from_bytes(mac[:8], "big") % 10**DIGITS).zfill(DIGITS)
    return body + check_digit(body)


def assign(rt: Runtime, programme_id: str, application: Item) -> str | None:
    """The application's code, written once: the code's own item must be new (or this application's)
    and the application must have none yet, in one transaction; a taken code tries the next candidate."""
    if application.get("pay_ref"):
        return str(application["pay_ref"])
    if not application.get("wallet_id") or str(application.get("channel")) != "wallet":
        return None  # 申込書 applicants buy at the counter (there is no wallet to credit)
    matching_hash = str(application["L1SK"])
    for attempt in range(8):
        reference = candidate(rt.resident_key, programme_id, matching_hash, attempt)
        pk, sk = keys.payment_reference(programme_id, reference)
        ref_expr, app_expr = Expr(), Expr()
        try:
            rt.db.transact(
                [
                    rt.db.tx_put(
                        {
                            "PK": pk,
                            "SK": sk,
                            "kind": "payment_reference",
                            "matching_hash": matching_hash,
                            "wallet_id": str(application["wallet_id"]),
                            **privacy.tag(programme_id, pk, sk),  # deleted by the retention run (issue 23.3)
                        },
                        condition=(
                            f"attribute_not_exists({ref_expr.n('PK')}) OR "
                            f"{ref_expr.n('matching_hash')} = {ref_expr.v(matching_hash)}"
                        ),
                        expr=ref_expr,
                    ),
                    rt.db.tx_update(
                        keys.application(programme_id, matching_hash),
                        f"SET {app_expr.n('pay_ref')} = {app_expr.v(reference)}",
                        app_expr,
                        condition=(
                            f"attribute_exists({app_expr.n('PK')}) AND (attribute_not_exists({app_expr.n('pay_ref')})"
                            f" OR {app_expr.n('pay_ref')} = {app_expr.v(reference)})"
                        ),
                    ),
                ]
            )
            return reference
        except TransactionFailed as failed:
            if failed.failed_at(1):
                current = rt.db.get(keys.application(programme_id, matching_hash))
                return str(current["pay_ref"]) if current and current.get("pay_ref") else None
            if not failed.failed_at(0):
                raise
    raise RuntimeError("no free payment reference after 8 candidates")  # 10^8 codes: never in practice


@dataclass(frozen=True)
class Deposit:
    line: int
    day: str  # ISO date
    payer: str  # as written in the file (shown to the clerk)
    reference: str | None  # the valid code found in 参照番号 or 振込依頼人名, if any
    amount: int


def _day(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().replace("/", "-")
    if re.fullmatch(r"[0-9]{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    parts = text.split("-")
    if len(parts) != 3 or not all(re.fullmatch(r"[0-9]{1,4}", p) for p in parts):
        raise ValueError("入金日は 2026-12-15 の形で入力してください。")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except (ValueError, OverflowError) as error:
        raise ValueError("入金日が正しい日付ではありません。") from error


def _amount(value: str) -> int:
    text = unicodedata.normalize("NFKC", value).strip().replace(",", "").removesuffix("円")
    if text.startswith("-"):
        raise ValueError("金額が負の数です。")
    if not re.fullmatch(r"[0-9]+", text):
        raise ValueError("金額は円単位の整数で入力してください。")
    if len(text) > MAX_DIGITS:
        raise ValueError(f"金額の桁数が多すぎます({MAX_DIGITS}桁まで)。")
    if int(text) == 0:
        raise ValueError("金額が0円です。")
    return int(text)


def _reference(*texts: str) -> str | None:
    for text in texts:
        for found in _CODE.findall(unicodedata.normalize("NFKC", text).replace("-", "")):
            if is_valid(found):
                return str(found)
    return None


def _shown(header: str) -> str:
    """A header as quoted back: printable characters only, at most 20 of them."""
    text = "".join(c for c in header if c.isprintable())[:20]
    return f"「{text}」" if text else "(空の列名)"


def _rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
        rows = []
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((reader.line_num, values))
                if len(rows) > MAX_ROWS:
                    raise DepositTooManyRows(limit=MAX_ROWS)
    except StopIteration as error:
        raise DepositFileEmpty() from error
    except csv.Error as error:
        raise DepositLineNotCsv(line=reader.line_num, problem=str(error)) from error
    return header, rows


def read(raw: bytes, today: str) -> list[Deposit]:
    """Every deposit of the file, or DepositFileRows naming each bad line (nothing is matched then)."""
    header, rows = _rows(csv_upload.decode(raw, lambda _said: DepositFileUnreadable()))
    extra = [h for h in header if h not in COLUMNS]
    if extra:
        raise DepositExtraColumns(extra=", ".join(_shown(h) for h in extra[:5]), columns=", ".join(COLUMNS))
    if (
        len(set(header)) != len(header)
        or DATE not in header
        or AMOUNT not in header
        or not (PAYER in header or REFERENCE in header)
    ):
        raise DepositHeaderWrong(date=DATE, amount=AMOUNT, payer=PAYER, reference=REFERENCE)
    if not rows:
        raise NoDeposits()
    errors: list[dict[str, object]] = []
    deposits: list[Deposit] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, values in rows:
        if len(values) != len(header):
            errors.append({"line": line, "reason_ja": "列の数が見出し行と一致しません。"})
            continue
        data = dict(zip(header, values, strict=True))
        try:
            day = _day(data[DATE])
            if day > today:
                raise ValueError("入金日が未来の日付です。")
        except ValueError as error:
            errors.append({"line": line, "field": DATE, "reason_ja": str(error)})
            continue
        try:
            amount = _amount(data[AMOUNT])
        except ValueError as error:
            errors.append({"line": line, "field": AMOUNT, "reason_ja": str(error)})
            continue
        payer, ref_text = data.get(PAYER, "").strip(), data.get(REFERENCE, "").strip()
        long = next((name for name, text in ((PAYER, payer), (REFERENCE, ref_text)) if len(text) > MAX_TEXT), None)
        if long:
            errors.append({"line": line, "field": long, "reason_ja": f"{MAX_TEXT}文字以内で入力してください。"})
            continue
        row_key = tuple(v.strip() for v in values)
        if row_key in seen:
            errors.append({"line": line, "reason_ja": f"{seen[row_key]}行目と同じ入金が重複しています。"})
            continue
        seen[row_key] = line
        deposits.append(Deposit(line, day, payer or ref_text, _reference(ref_text, payer), amount))
    if errors:
        raise DepositRowsCounted(
            count=len(errors),
            details=[
                {
                    "field": f"{e['line']}行目" + (f" {e['field']}" if e.get("field") else ""),
                    "reason": "row",
                    "reason_ja": e["reason_ja"],
                    "line": e["line"],
                }
                for e in errors[:100]
            ],
        )
    return deposits
