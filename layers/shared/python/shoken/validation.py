"""Japanese sentences for pydantic validation errors, shown beside the field in the UI."""

from __future__ import annotations

from typing import Any

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
