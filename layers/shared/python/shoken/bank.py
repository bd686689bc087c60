"""Bank accounts as Japanese banks take them: Zengin bank/branch codes and the account holder's kana.

The code list is the `zengin-code` package's data (upgrading the package updates it). Importing
`zengin_code` would parse every branch file of every bank (≈ 8 MB of JSON) at import time, so this
module reads only `banks.json` and the one bank's branch file it is asked about, on first use, and
keeps them for the warm Lambda: functions that never check an account never load any of it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import jaconv

from shoken.errors import DomainError, InvalidRequest, variant

# The transfer file is written in Shift_JIS; a name is measured in that encoding (1 byte a character
# for everything allowed, but measure, don't assume).
ENCODING = "cp932"
HOLDER_MAX_BYTES = 30
ACCOUNT_TYPES = {"ordinary": ("1", "普通"), "current": ("2", "当座")}

_SMALL_TO_FULL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
# JIS X 0201 kana that banks accept (ｦ-ﾝ, voiced marks), A-Z, 0-9, space and ( ) - .
_ALLOWED = re.compile(r"[\uFF66\uFF71-\uFF9F A-Z0-9().\-]")


# A bank account's refusals: codes and facts (their status and texts: shoken.messages, "bank accounts").
class UnknownBank(DomainError, InvalidRequest):
    code = "unknown_bank"


BankCodeFormat = variant(UnknownBank, "format", "BankCodeFormat")


BankNotListed = variant(UnknownBank, "not_listed", "BankNotListed")  # Facts: bank_code


class UnknownBranch(DomainError, InvalidRequest):
    code = "unknown_branch"


BranchCodeFormat = variant(UnknownBranch, "format", "BranchCodeFormat")


BranchNotListed = variant(UnknownBranch, "not_listed", "BranchNotListed")  # Facts: bank_code, branch_code


class BadHolderName(DomainError, InvalidRequest):
    """Facts: what (the name's label: 口座名義, 金融機関名…)."""

    code = "bad_holder_name"


HolderNameMissing = variant(BadHolderName, "missing", "HolderNameMissing")


HolderNameCharacters = variant(
    BadHolderName, "characters", "HolderNameCharacters"
)  # Facts: what, characters (the ones refused, space-separated)


HolderNameTooLong = variant(
    BadHolderName, "too_long", "HolderNameTooLong"
)  # Facts: what, limit, size (bytes in the transfer file)


class BadAccount(DomainError, InvalidRequest):
    code = "bad_account"


AccountNumberFormat = variant(BadAccount, "format", "AccountNumberFormat")


@cache
def _data_dir() -> Path:
    spec = importlib.util.find_spec("zengin_code")  # locates the package without running its loader
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("zengin-code is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "source-data" / "data"


@cache
def _banks() -> dict[str, Any]:
    return dict(json.loads((_data_dir() / "banks.json").read_text("utf-8")))


@cache
def _branches(bank_code: str) -> dict[str, Any]:
    path = _data_dir() / "branches" / f"{bank_code}.json"
    return dict(json.loads(path.read_text("utf-8"))) if path.exists() else {}


def data_version() -> str:
    return (_data_dir() / "updated_at").read_text("utf-8").strip()


def bank_name(bank_code: str) -> str:
    """The bank's name from the Zengin list; UnknownBank if the code is not on it."""
    if not re.fullmatch(r"[0-9]{4}", bank_code or ""):
        raise BankCodeFormat()
    found = _banks().get(bank_code)
    if found is None:
        raise BankNotListed(bank_code=bank_code)
    return str(found["name"])


def branch_name(bank_code: str, branch_code: str) -> str:
    bank_name(bank_code)
    if not re.fullmatch(r"[0-9]{3}", branch_code or ""):
        raise BranchCodeFormat()
    found = _branches(bank_code).get(branch_code)
    if found is None:
        raise BranchNotListed(bank_code=bank_code, branch_code=branch_code)
    return str(found["name"])


def bank_kana(bank_code: str) -> str:
    """The bank's name in half-width kana, as the transfer file carries it; blank once the code has left
    the Zengin list (a bank merged since the account was checked against it): the file's name fields are
    optional and its code names the bank, so one payee's old code does not stop the committee's file."""
    found = _banks().get(bank_code)
    return holder_kana(str(found["kana"]), limit=15, what="金融機関名") if found else ""


def branch_kana(bank_code: str, branch_code: str) -> str:
    """The branch's name in half-width kana; blank once the branch has left the list (closed or merged)."""
    found = _branches(bank_code).get(branch_code)
    return holder_kana(str(found["kana"]), limit=15, what="支店名") if found else ""


def holder_kana(text: str, *, limit: int = HOLDER_MAX_BYTES, what: str = "口座名義") -> str:
    """The name as banks take it: half-width kana, upper-case letters, digits, space and ( ) - .

    Hiragana and full-width katakana become half-width, small kana full size, ー a hyphen, full-width
    letters and digits half-width, letters upper case. A name with any other character, or longer than
    `limit` bytes in the file's encoding, is refused: a bank would reject a cut or altered name.
    """
    name = unicodedata.normalize("NFKC", text or "")  # full-width ASCII → ASCII, half-width kana → full
    name = jaconv.hira2kata(name).translate(_SMALL_TO_FULL)
    name = re.sub(r"[ー‐－―−‑]", "-", name).replace("\u3000", " ")
    name = jaconv.z2h(name, kana=True, ascii=True, digit=True).upper()
    name = re.sub(r" +", " ", name).strip()
    if not name:
        raise HolderNameMissing(what=what)
    bad = sorted({c for c in name if not _ALLOWED.fullmatch(c)})
    if bad:
        raise HolderNameCharacters(what=what, characters=" ".join(bad))
    size = len(name.encode(ENCODING))
    if size > limit:
        raise HolderNameTooLong(what=what, limit=limit, size=size)
    return name


def account_number(text: str) -> str:
    if not re.fullmatch(r"[0-9]{7}", text or ""):
        raise AccountNumberFormat()
    return text


def masked(number: str) -> str:
    """An account number as statements show it: the last three digits only."""
    return "****" + number[-3:]
