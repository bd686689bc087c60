"""全銀協 総合振込 file: 120-byte fixed records in Shift_JIS with CRLF (header 1, data 2, trailer 8, end 9).

Layout as the Zengin (全国銀行協会) standard publishes it for 総合振込 (種別コード 21): numeric fields
right-aligned and zero-filled, character fields left-aligned and space-filled, half-width kana,
upper-case letters and digits only. Every field is checked against its width before anything is
written: a value that does not fit raises, so a file is whole or not produced at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shoken.errors import DomainError, variant

ENCODING = "shift_jis"  # only ASCII and half-width kana are written: the same bytes in cp932
RECORD = 120
TRANSFER_KIND = "21"  # 総合振込
CODE_JIS = "0"
TELEGRAPHIC = "7"  # 振込指定区分: 電信扱


# A value that does not fit its field: the file is not produced (codes and facts; their texts:
# shoken.messages, "全銀 files"). The value itself is not in the text: it may be a payee's name.
class FieldTooLong(DomainError, ValueError):
    code = "transfer_file_invalid"


NumberTooLong = variant(FieldTooLong, "numeric", "NumberTooLong")  # Facts: width


TextTooLong = variant(FieldTooLong, "characters", "TextTooLong")  # Facts: width


RecordSize = variant(FieldTooLong, "record", "RecordSize")  # Facts: size (bytes; a record is 120)


AmountNotPositive = variant(FieldTooLong, "amount", "AmountNotPositive")  # Facts: amount


@dataclass(frozen=True)
class Remitter:
    """振込依頼人: the committee, its consignor code from the bank, and its own account."""

    consignor_code: str  # 委託者コード, 10 digits
    consignor_name: str  # 委託者名, half-width kana
    bank_code: str
    bank_kana: str
    branch_code: str
    branch_kana: str
    account_type: str  # "1" 普通, "2" 当座
    account_number: str


@dataclass(frozen=True)
class Transfer:
    bank_code: str
    bank_kana: str
    branch_code: str
    branch_kana: str
    account_type: str
    account_number: str
    holder_kana: str
    amount: int
    customer_code_1: str  # 顧客コード1: the payee, for reconciliation
    customer_code_2: str


def _n(value: int | str, width: int) -> bytes:
    text = str(value)
    if not text.isdigit() or len(text) > width:
        raise NumberTooLong(width=width)
    return text.zfill(width).encode(ENCODING)


def _c(value: str, width: int) -> bytes:
    raw = value.encode(ENCODING)
    if len(raw) > width:
        raise TextTooLong(width=width)
    return raw + b" " * (width - len(raw))


def _record(*parts: bytes) -> bytes:
    line = b"".join(parts)
    if len(line) != RECORD:
        raise RecordSize(size=len(line))
    return line + b"\r\n"


def header(remitter: Remitter, transfer_day: date) -> bytes:
    return _record(
        b"1",
        _n(TRANSFER_KIND, 2),
        _n(CODE_JIS, 1),
        _n(remitter.consignor_code, 10),
        _c(remitter.consignor_name, 40),
        _n(f"{transfer_day:%m%d}", 4),
        _n(remitter.bank_code, 4),
        _c(remitter.bank_kana, 15),
        _n(remitter.branch_code, 3),
        _c(remitter.branch_kana, 15),
        _n(remitter.account_type, 1),
        _n(remitter.account_number, 7),
        _c("", 17),
    )


def data(transfer: Transfer) -> bytes:
    if transfer.amount <= 0:
        raise AmountNotPositive(amount=transfer.amount)
    return _record(
        b"2",
        _n(transfer.bank_code, 4),
        _c(transfer.bank_kana, 15),
        _n(transfer.branch_code, 3),
        _c(transfer.branch_kana, 15),
        _n("0", 4),  # 手形交換所番号: unused, zero
        _n(transfer.account_type, 1),
        _n(transfer.account_number, 7),
        _c(transfer.holder_kana, 30),
        _n(transfer.amount, 10),
        _n("0", 1),  # 新規コード: 0 (その他)
        _n(transfer.customer_code_1, 10),
        _n(transfer.customer_code_2, 10),
        _n(TELEGRAPHIC, 1),
        _c("", 1),  # 識別表示: space (顧客コード, not EDI information)
        _c("", 7),
    )


def trailer(count: int, total: int) -> bytes:
    return _record(b"8", _n(count, 6), _n(total, 12), _c("", 101))


def end() -> bytes:
    return _record(b"9", _c("", 119))


def build(remitter: Remitter, transfer_day: date, transfers: list[Transfer]) -> bytes:
    body = [header(remitter, transfer_day)]
    body += [data(t) for t in transfers]
    body += [trailer(len(transfers), sum(t.amount for t in transfers)), end()]
    return b"".join(body)
