"""Resident lists (住民名簿) for a programme's sale: which columns a list has, how a resident's matching
fields are normalised, and the keyed hash that is all the system keeps of them (issue 23).

A resident is matched by name in kana, birth date and resident key (住民番号). What is stored is
HMAC-SHA256 over those three fields after normalisation, under the city's resident key (Secrets
Manager in AWS, a file locally; shoken.runtime) and the programme's id, so the table alone reveals
neither who is on a list nor whether the same person is on two programmes' lists. The clerk's
counter search and the resident's own matching normalise and hash the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import jaconv

from shoken.errors import DomainError, InvalidRequest, variant

# The CSV columns a list may have: the header, and the field it fills.
RESIDENT_KEY, NAME_KANA, BIRTH_DATE = "住民番号", "氏名カナ", "生年月日"
COLUMNS: tuple[tuple[str, str], ...] = (
    (RESIDENT_KEY, "resident_key"),
    (NAME_KANA, "name_kana"),
    (BIRTH_DATE, "birth_date"),
)
# Columns of a resident register extract that no rule built so far needs; named when refused.
NOT_NEEDED = {"住所": "住所", "世帯番号": "世帯番号"}

# Why personal data was looked at: chosen from this list for every search (and shown in the audit log).
REASONS: dict[str, str] = {
    "counter_identity": "窓口での本人確認",
    "inquiry": "本人からの問い合わせ対応",
    "application_check": "申込内容の確認",
    "disclosure_request": "開示請求への対応",
}

_SPACES = re.compile(r"[\s\u3000]+")
_KATAKANA = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fd\u30fe]+$")
_RESIDENT_KEY = re.compile(r"^[0-9A-Za-z-]{1,20}$")
_DATE = re.compile(r"^([0-9]{4})[-/.]?([0-9]{1,2})[-/.]?([0-9]{1,2})$")


# A matching field that cannot be normalised: codes, never the value (their texts: shoken.messages,
# "resident fields"). Still a ValueError: a model's validator that normalises a field reports it as one.
class FieldError(DomainError, InvalidRequest, ValueError):
    code = "invalid_request"
    variant = "resident_field"


KanaMissing = variant(FieldError, "kana_missing", "KanaMissing")


KanaNotKana = variant(FieldError, "kana_not_kana", "KanaNotKana")


KanaTooLong = variant(FieldError, "kana_too_long", "KanaTooLong")


BirthDateMissing = variant(FieldError, "birth_date_missing", "BirthDateMissing")


BirthDateFormat = variant(FieldError, "birth_date_format", "BirthDateFormat")


BirthDateNoSuchDay = variant(FieldError, "birth_date_no_such_day", "BirthDateNoSuchDay")


BirthDateTooEarly = variant(FieldError, "birth_date_too_early", "BirthDateTooEarly")


ResidentKeyMissing = variant(FieldError, "resident_key_missing", "ResidentKeyMissing")


ResidentKeyFormat = variant(FieldError, "resident_key_format", "ResidentKeyFormat")


@dataclass(frozen=True)
class Person:
    """The matching fields of one resident, normalised."""

    resident_key: str
    name_kana: str
    birth_date: str  # ISO date


def normalise_kana(value: str) -> str:
    """Full-width katakana without spaces: ﾔﾏﾀﾞ ﾀﾛｳ, やまだ　たろう and ヤマダ タロウ are one name."""
    text = jaconv.hira2kata(unicodedata.normalize("NFKC", value))
    text = _SPACES.sub("", text)
    if not text:
        raise KanaMissing()
    if not _KATAKANA.match(text):
        raise KanaNotKana()
    if len(text) > 60:
        raise KanaTooLong()
    return text


def normalise_birth_date(value: str) -> str:
    """1980-04-01, 1980/4/1, 19800401 (full-width digits too) all become 1980-04-01."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value))
    if not text:
        raise BirthDateMissing()
    found = _DATE.match(text)
    if not found:
        raise BirthDateFormat()
    try:
        day = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError as error:
        raise BirthDateNoSuchDay() from error
    if day.year < 1900:
        raise BirthDateTooEarly()
    return day.isoformat()


def normalise_resident_key(value: str) -> str:
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not text:
        raise ResidentKeyMissing()
    if not _RESIDENT_KEY.match(text):
        raise ResidentKeyFormat()
    return text


def person(resident_key: str, name_kana: str, birth_date: str) -> Person:
    return Person(normalise_resident_key(resident_key), normalise_kana(name_kana), normalise_birth_date(birth_date))


def matching_hash(key: bytes, programme_id: str, who: Person) -> str:
    """The keyed hash stored for a resident of a programme's list (hex, 64 characters)."""
    message = "\x1f".join(("resident-v1", programme_id, who.resident_key, who.name_kana, who.birth_date))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
