"""The refusals of 取引履歴, ダウンロード and 集計 are codes and facts now (issue 21.3): what a caller
reads is the same body as when each raised its own sentence, and the English wallet's language has a
text for each."""

from __future__ import annotations

import json

import pytest

from shoken import history_errors as e
from shoken.errors import DomainError, Forbidden, InvalidRequest, NotFound, ShokenError

# The bodies these answered before, byte for byte (status, code, Japanese message).
BEFORE: list[tuple[ShokenError, int, str, str]] = [
    (e.DateFormat(), 400, "invalid_request", "取引日時の形式が正しくありません。"),
    (e.DateOrder(), 400, "invalid_request", "取引日時の終了が開始より前です。"),
    (e.RangeTooLong(days=60), 400, "range_too_long", "取引日時の指定可能期間は60日間です。期間を短くしてください。"),
    (e.TransactionNotFound(), 404, "not_found", "取引が見つかりません。"),
    (e.NumberFormat(), 400, "invalid_request", "取引番号は18桁の数字で入力してください。"),
    (e.ReportsForCommittees(), 403, "forbidden", "集計はアクワイアラ管理者のみ利用できます。"),
    (e.CommitteeRequired(), 400, "invalid_request", "アクワイアラを指定してください。"),
    (e.PeriodFormat(), 400, "invalid_request", "期間の形式が正しくありません。"),
    (e.PeriodOrder(), 400, "invalid_request", "期間の終了日が開始日より前です。"),
    (e.PeriodTooLong(days=400), 400, "invalid_request", "期間は400日以内で指定してください。"),
    (e.DailyForMerchants(), 403, "forbidden", "日計は加盟店アプリで利用できます。"),
    (e.DailyDateFormat(), 400, "invalid_request", "日付の形式が正しくありません。"),
    (e.ReferenceDateFormat(), 400, "invalid_request", "基準日の形式が正しくありません。"),
    (
        e.ReferenceDateFuture(),
        400,
        "invalid_request",
        "基準日に未来の日付は指定できません。本日以前の日付を指定してください。",
    ),
    (e.FileNotFound(), 404, "not_found", "ファイルが見つかりません。"),
    (e.FileNotReady(), 400, "invalid_request", "ファイルはまだ作成中です。"),
    (e.FileExpired(), 404, "not_found", "ファイルの保存期間が過ぎました。もう一度ダウンロード予約をしてください。"),
]


@pytest.mark.parametrize(("error", "status", "code", "message"), BEFORE, ids=lambda v: type(v).__name__)
def test_each_refusal_answers_the_body_it_answered_before(
    error: DomainError, status: int, code: str, message: str
) -> None:
    assert error.status == status
    body: dict[str, object] = {"code": code, "message": message}
    if isinstance(error, e.NumberFormat):  # it names its field, as it did when raised with its sentence
        body["details"] = [{"field": "number", "reason": "format", "reason_ja": "18桁の数字で入力してください。"}]
    expected = json.dumps({"error": body}, ensure_ascii=False)
    assert json.dumps(error.body("ja"), ensure_ascii=False) == expected
    # and it is still the kind of error it was, for code that catches that kind
    assert isinstance(error, {400: InvalidRequest, 403: Forbidden, 404: NotFound}[status])


def test_every_history_refusal_is_listed_here_and_speaks_english() -> None:
    classes = {
        v for v in vars(e).values() if isinstance(v, type) and issubclass(v, DomainError) and v is not DomainError
    }
    assert classes == {type(error) for error, *_ in BEFORE}
    for error, *_ in BEFORE:
        english = error.text_in("en")
        assert english.isascii() and english != error.text_in("ja")
