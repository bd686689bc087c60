"""The request field types every pydantic schema shares, and Schema, the base of the functions'
request and response models. The Japanese sentences for validation errors and the body limits are
shoken.strict's (no pydantic), re-exported here."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Strict, StringConstraints
from pydantic_core import PydanticCustomError

# Shared with the light models (shoken.strict), which the payment function uses without pydantic.
from shoken.strict import (  # noqa: F401 (re-exported: the schemas import them from here)
    ISO_DATE,
    JSON_BODY_LIMIT,
    JSON_DEPTH_LIMIT,
    UPLOAD_BODY_LIMIT,
    digits,
    json_too_deep,
    reason_ja,
)


class Schema(BaseModel):
    """A request or response model whose validator is built on its first use, not at import.

    A function's module defines dozens of models and one request uses one or two of them; building
    them all at import was most of the admin function's cold start (issue 19). The payment
    function's models are shoken.strict's light models instead, so it imports no pydantic at all.
    A module of nothing but models is written without `from __future__ import annotations`: pydantic
    would otherwise evaluate every field's annotation from its text at class creation, a compile()
    each (about 600 for the admin function, a twentieth of its cold import).
    """

    model_config = ConfigDict(defer_build=True)


# --- Request field types: one definition of "what a field accepts", used by every schema ----------
#
# A request field accepts exactly what it claims. Numbers in a JSON body are JSON integers only
# (never `true`, "1000", " 5 " or 1000.0: pydantic's lax mode would take all four); yes/no fields
# are JSON booleans only; identifiers are ASCII digits only (`\d` also matches full-width and other
# Unicode digits, in Python's re and in pydantic's Rust regex alike, so no pattern here uses it).
# Query strings are text by nature, so their numbers are ASCII digit strings and nothing else.


BodyInt = Annotated[int, Strict()]
BodyBool = Annotated[bool, Strict()]


def _query_int(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _ASCII_NUMBER.fullmatch(value):
        return int(value)
    raise PydanticCustomError("int_parsing", "Input should be ASCII digits")


_ASCII_NUMBER = re.compile(r"[0-9]{1,9}")
QueryInt = Annotated[int, BeforeValidator(_query_int)]

CompanyId = Annotated[str, StringConstraints(pattern=digits(5))]
StoreId = Annotated[str, StringConstraints(pattern=digits(7))]
TerminalId = Annotated[str, StringConstraints(pattern=digits(12))]
TerminalPassword = Annotated[str, StringConstraints(pattern=digits(4))]
WalletId = Annotated[str, StringConstraints(pattern=digits(12))]
EmailCode = Annotated[str, StringConstraints(pattern=digits(6))]
# Dates a programme can have: a year 1 or 9999 passes the format, and a day before or after it
# overflows Python's date (a search from JST midnight, a period's next day), so both are refused here.
FIRST_YEAR, LAST_YEAR = 2000, 2999


def _in_years(day: date) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{FIRST_YEAR}年から{LAST_YEAR}年までの日付を入力してください。")
    return day


def _real_day(text: str) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("存在しない日付です。") from None  # 2026-02-30 passes the format
    _in_years(day)
    return text


IsoDate = Annotated[str, StringConstraints(pattern=ISO_DATE), AfterValidator(_real_day)]
Day = Annotated[date, AfterValidator(_in_years)]


# Text a person types (names, addresses, titles): no control or format characters. A NUL or a vertical
# tab breaks every importer of the CSV made from it; U+202E reverses how the rest of a name is shown
# (a spoof in every list); a zero-width space makes two names that look alike. A notice's body may
# hold line breaks and tabs, nothing else of the kind.
def _plain(value: str, allowed: str) -> str:
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in allowed for c in value):
        raise PydanticCustomError("control_character", "Control and format characters are not allowed")
    return value


Line = Annotated[str, AfterValidator(lambda v: _plain(v, ""))]
Lines = Annotated[str, AfterValidator(lambda v: _plain(v, "\n\r\t"))]
