"""Japanese sentences for pydantic validation errors, shown beside the field in the UI; the request
field types every schema shares; and Schema, the base of the functions' request and response models."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Strict, StringConstraints
from pydantic_core import PydanticCustomError


class Schema(BaseModel):
    """A request or response model whose validator is built on its first use, not at import.

    A function's module defines dozens of models and one request uses one or two of them; building
    them all at import was most of the admin function's cold start (issue 19). The payment's own
    models (payments/schemas.py PayRequest and Receipt, shoken.payment) stay plain BaseModel, so the
    first payment after a cold start builds nothing.
    """

    model_config = ConfigDict(defer_build=True)


_REASONS_JA = {
    "missing": "入力してください。",
    "string_too_short": "{min_length}文字以上で入力してください。",
    "string_too_long": "{max_length}文字以内で入力してください。",
    "string_pattern_mismatch": "形式が正しくありません。",
    "string_type": "文字で入力してください。",
    "int_parsing": "半角数字で入力してください。",
    "int_type": "半角数字で入力してください。",
    "int_from_float": "整数で入力してください。",
    "greater_than_equal": "{ge}以上で入力してください。",
    "greater_than": "{gt}より大きい値を入力してください。",
    "less_than_equal": "{le}以下で入力してください。",
    "less_than": "{lt}より小さい値を入力してください。",
    "bool_parsing": "はい/いいえで指定してください。",
    "bool_type": "はい/いいえで指定してください。",
    "literal_error": "選択肢から選んでください。",
    "enum": "選択肢から選んでください。",
    "date_from_datetime_parsing": "日付の形式が正しくありません。",
    "date_parsing": "日付の形式が正しくありません。",
    "datetime_parsing": "日時の形式が正しくありません。",
    "json_invalid": "リクエストの形式が正しくありません。",
    "model_attributes_type": "リクエストの形式が正しくありません。",
    "dict_type": "リクエストの形式が正しくありません。",
    "list_type": "一覧の形式が正しくありません。",
    "extra_forbidden": "指定できない項目です。",
    "value_error": "{error}",
    "control_character": "制御文字や見えない文字 (書式制御・ゼロ幅文字など) は使えません。",
}


def reason_ja(error: Any) -> str:
    """A Japanese sentence for one pydantic validation error (the UI shows it beside the field)."""
    template = _REASONS_JA.get(str(error.get("type", "")), "入力内容を確認してください。")
    context = dict(error.get("ctx") or {})
    if error.get("type") == "string_too_short" and context.get("min_length") == 1:
        template = "入力してください。"  # not 「1文字以上で入力してください」 for an empty required field
    if "error" in context:
        context["error"] = str(context["error"]).removeprefix("Value error, ")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return "入力内容を確認してください。"


# --- Request field types: one definition of "what a field accepts", used by every schema ----------
#
# A request field accepts exactly what it claims. Numbers in a JSON body are JSON integers only
# (never `true`, "1000", " 5 " or 1000.0: pydantic's lax mode would take all four); yes/no fields
# are JSON booleans only; identifiers are ASCII digits only (`\d` also matches full-width and other
# Unicode digits, in Python's re and in pydantic's Rust regex alike, so no pattern here uses it).
# Query strings are text by nature, so their numbers are ASCII digit strings and nothing else.


def digits(count: int) -> str:
    """A pattern for exactly `count` ASCII digits."""
    return rf"^[0-9]{{{count}}}$"


ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

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
IsoDate = Annotated[str, StringConstraints(pattern=ISO_DATE)]


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


# --- Request bodies: the limits the edge enforces before any parsing (api.py, OpenAPI) -------------

JSON_BODY_LIMIT = 256 * 1024  # bytes of a JSON request body (a grant to 10,000 wallet IDs fits)
UPLOAD_BODY_LIMIT = 10 * 1024 * 1024  # bytes of an uploaded file (マスタ一括登録)
JSON_DEPTH_LIMIT = 32  # nesting of arrays and objects; no request model nests more than 3 deep

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_too_deep(text: str, limit: int = JSON_DEPTH_LIMIT) -> bool:
    """Whether a JSON text nests arrays/objects deeper than `limit`, decided without recursion
    (the parser and the validator recurse, and 1,000 levels exhaust Python's stack)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub('""', text))
    depth = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False
