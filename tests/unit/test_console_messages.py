"""The console's and the sign-in's refusals: their texts are the catalogue's, and say their facts."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

from admin import errors
from auth import errors as auth_errors
from programme import errors as programme_errors
from shoken import errors as shared_errors
from shoken import messages

FUNCTIONS = Path(__file__).parents[2] / "functions"


def placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_field_text_the_console_names_is_in_the_catalogue_in_both_languages() -> None:
    # Given every FIELD_TEXTS key a console module passes to field_problem as a literal
    source = "\n".join(p.read_text("utf-8") for area in ("admin", "programme") for p in (FUNCTIONS / area).glob("*.py"))
    named = set(re.findall(r'field_problem\([^,]+, "[a-z_]+", "([a-z_]+)"', source))
    named |= set(re.findall(r'"(wallet_ids_unknown(?:_more)?)"', source))
    assert {"email_unchanged", "registered", "row_not_listed", "wallet_ids_unknown_more"} <= named
    # Then each has a text, and both languages name the same facts (none Japanese in English)
    for key in named:
        entry = messages.FIELD_TEXTS[key]
        assert placeholders(entry.ja) == placeholders(entry.en), key
        assert not re.search(r"[ぁ-んァ-ン一-龥]", entry.en), key


def test_a_refusal_with_dates_says_them_as_the_screens_do() -> None:
    refused = programme_errors.PeriodNotCutoff(end=date(2026, 5, 14), following=date(2026, 5, 15))
    assert refused.status == 400 and refused.code == "payout_not_cutoff"
    assert refused.text == "2026/05/14 は締め日ではありません (次の締め日は 2026/05/15 です)。"
    assert refused.body("en")["error"]["message"] == "2026/05/14 is not a cut-off date (the next one is 2026/05/15)."


def test_a_variant_keeps_the_general_code_and_kind_and_says_its_own_text() -> None:
    # A narrowed refusal answers with the general code, so clients see what they saw before
    missing = shared_errors.ProgrammeNotFound()
    assert isinstance(missing, shared_errors.NotFound) and missing.body() == {
        "error": {"code": "not_found", "message": "商品券事業が見つかりません。"}
    }
    left = auth_errors.CodeRejected(left=2)
    assert (left.status, left.code, left.text) == (
        400,
        "code_invalid",
        "確認コードが正しくありません。あと2回入力できます。",
    )


def test_a_field_problem_says_the_refusals_own_text_or_a_field_text() -> None:
    refused = errors.NoticeArea(details=[shared_errors.field_problem("area", "invalid", errors.NoticeArea)])
    detail = refused.body()["error"]["details"][0]
    assert detail == {"field": "area", "reason": "invalid", "reason_ja": errors.NoticeArea.message}
    row = shared_errors.field_problem("rows[3]", "unknown", "row_not_listed", line=3)
    assert row["reason_ja"] == "3行目: 住民名簿にありません。"
