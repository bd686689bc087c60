"""Refusals of 取引履歴, ダウンロード and 集計: codes and facts (their status and texts: shoken.messages).

Each keeps the code the screens already know (invalid_request, not_found, forbidden, range_too_long)
and names its sentence by a variant, so an answer's body is the same as before, in Japanese.
Each is also the ShokenError it always was, for code that catches InvalidRequest or NotFound.
"""

from __future__ import annotations

from shoken.errors import DomainError, Forbidden, InvalidRequest, NotFound


# --- 取引履歴一覧 and 取引履歴詳細 (shoken.history_search) -------------------------------------------
class DateFormat(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "history_date_format"


class DateOrder(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "history_date_order"


class RangeTooLong(DomainError, InvalidRequest):
    """The search's period is longer than its days (a fact: days)."""

    code = "range_too_long"


class NumberFormat(DomainError, InvalidRequest):
    """A 取引番号 that is not 18 digits once read as a clerk types it; the field says how to type it."""

    code = "invalid_request"
    variant = "history_number_format"

    def __init__(self) -> None:
        super().__init__()
        self.details = [{"field": "number", "reason": "format", "reason_ja": "18桁の数字で入力してください。"}]


class TransactionNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "history_transaction"


# --- 集計 (functions/history/reports.py) -------------------------------------------------------------
class ReportsForCommittees(DomainError, Forbidden):
    code = "forbidden"
    variant = "reports_committee_only"


class CommitteeRequired(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "report_committee"


class PeriodFormat(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "report_period_format"


class PeriodOrder(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "report_period_order"


class PeriodTooLong(DomainError, InvalidRequest):
    """The report's period is longer than its days (a fact: days)."""

    code = "invalid_request"
    variant = "report_period_too_long"


class DailyForMerchants(DomainError, Forbidden):
    code = "forbidden"
    variant = "daily_merchant_only"


class DailyDateFormat(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "daily_date_format"


class ReferenceDateFormat(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "reference_date_format"


class ReferenceDateFuture(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "reference_date_future"


# --- ファイルダウンロード (functions/history/exports.py) ---------------------------------------------------
class FileNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "export_file"


class FileNotReady(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "export_not_ready"


class FileExpired(DomainError, NotFound):
    code = "not_found"
    variant = "export_expired"
