"""The admin console's refusals, as codes and facts: each one's status and its texts (ja, en) are in the
catalogue (shoken.messages) under code.variant. Each also is the shared error it narrows (a
CommitteeNotFound is a NotFound), so a caller that catches the general kind still catches it."""

from __future__ import annotations

from typing import Any

from shoken import messages, privacy
from shoken.errors import (
    AlreadyExists,
    Conflict,
    DomainError,
    Forbidden,
    InvalidRequest,
    NotFound,
    ReasonRequired,
    ResidentFileRows,
    variant,
)


def field_problem(field: str, reason: str, text: str | type[DomainError], /, **facts: Any) -> dict[str, Any]:
    """One detail of a refusal: the field at fault, its reason code and what the form shows beside it:
    a refusal's own message, or the catalogue's FIELD_TEXTS[text] (in Japanese: the console's language)."""
    said = text.message if isinstance(text, type) else messages.field_text(text, facts)
    return {"field": field, "reason": reason, "reason_ja": said}


# --- who may do what (403) ---


class CommitteeAdminOnly(DomainError, Forbidden):
    code = "forbidden"
    variant = "committee_admin"


class SystemAdminOnly(DomainError, Forbidden):
    code = "forbidden"
    variant = "system_admin"


class AppUsersCommitteeOnly(DomainError, Forbidden):
    code = "forbidden"
    variant = "app_users"


class CardsCommitteeOnly(DomainError, Forbidden):
    code = "forbidden"
    variant = "cards"


class PayoutsCommitteeOnly(DomainError, Forbidden):
    code = "forbidden"
    variant = "payouts"


class PrivacyCommitteeOnly(DomainError, Forbidden):
    code = "forbidden"
    variant = "privacy"


class StoreDetailsEditors(DomainError, Forbidden):
    code = "forbidden"
    variant = "store_details"


class PayoutAccountEditors(DomainError, Forbidden):
    code = "forbidden"
    variant = "payout_account"


class PayoutByEditors(DomainError, Forbidden):
    code = "forbidden"
    variant = "payout_by"


class BulkKindForbidden(DomainError, Forbidden):
    code = "forbidden"  # facts: label, the kind's name on screen
    variant = "bulk_kind"


class NotOnSelf(DomainError, Forbidden):
    code = "forbidden"
    variant = "self"


class HigherAdminOnly(DomainError, Forbidden):
    code = "forbidden"
    variant = "higher"


# --- what is not there, or not the caller's to see (404) ---


class CommitteeNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "committee"


class ProgrammeNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "programme"


class CompanyNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "company"


class StoreNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "store"


class TerminalNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "terminal"


class AdminUserNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "admin_user"


class AppUserNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "app_user"


class NoAppUserWithEmail(DomainError, NotFound):
    code = "not_found"
    variant = "app_user_email"


class LinkTargetNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "link_target"


class CardNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "card"


class TransactionNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "transaction"


class NoticeNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "notice"


class PayoutNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "payout"


class StatementNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "statement"


class NoPaymentToCompany(DomainError, NotFound):
    code = "not_found"
    variant = "statement_company"


class BulkUploadNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "bulk_upload"


class BulkKindNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "bulk_kind"


class ResidentImportNotFound(DomainError, NotFound):
    code = "not_found"
    variant = "resident_import"


# --- what was sent is not right (400) ---


class FileEmpty(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "file_empty"


class FileTooLarge(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "file_too_large"


class ResidentFileTooLarge(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "resident_file_too_large"


class NoBulkKind(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "bulk_kind"


class AuditPeriodTooLong(DomainError, InvalidRequest):
    code = "invalid_request"  # facts: days
    variant = "audit_period"


class CardRowsNotListed(DomainError, InvalidRequest):
    code = "invalid_request"  # facts: count
    variant = "card_rows"


class CardRowsTwice(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "card_rows_twice"


class LocationHalf(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "location"


class PayoutPeriodTooLong(DomainError, InvalidRequest):
    code = "invalid_request"  # facts: days
    variant = "payout_period"


class PaidDateOutside(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "paid_date"


class CodeSheetTooManyRows(DomainError, InvalidRequest):
    code = "invalid_request"  # facts: format (PDF, CSV), limit
    variant = "code_sheet_rows"


class NoRowsToIssue(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "no_rows"


class ResidentListErased(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "residents_erased"


class WalletsUnknown(DomainError, InvalidRequest):
    code = "invalid_request"  # facts: count
    variant = "wallets_unknown"


class ChargeWhom(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "charge_wallet"


class EmailNeedsReauth(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "email_reauth"


class CurrentPasswordWrong(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "current_password"


class ChooseCommittee(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "committee"


class NoticeProgramme(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "notice_programme"


class NoticeArea(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "notice_area"


class NoticeAudience(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "notice_audience"


class NoticeEnded(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "notice_end_date"


# --- the record moved under the caller, or is there already (409) ---


class ServiceIdTaken(DomainError, AlreadyExists):
    code = "already_exists"
    variant = "wallet_service"


class CardStatusElsewhere(DomainError, Conflict):
    code = "conflict"
    variant = "card_status"


class EmailMoved(DomainError, Conflict):
    code = "conflict"
    variant = "email_moved"


class NoticeChanged(DomainError, Conflict):
    code = "conflict"
    variant = "notice_changed"


# --- other refusals of the shared layer, in this console's words ---


class CardReasonRequired(DomainError, ReasonRequired):
    code = "reason_required"
    variant = "card"


class CodeFileRows(DomainError, ResidentFileRows):
    code = "resident_file_rows"  # facts: count
    variant = "count"


class ErasedAppUser(privacy.ErasureRefused):
    code = "erasure_refused"
    variant = "erased_status"


class RetentionOver(privacy.ErasureRefused):
    code = "erasure_refused"
    variant = "deleted"


class NotLapsedYet(privacy.ErasureRefused):
    code = "erasure_refused"
    variant = "not_lapsed"


# --- the console's own refusals ---


class UnprintableName(DomainError, InvalidRequest):
    code = "card_name_unprintable"


class OutsideSalePeriod(DomainError):
    """店頭チャージ outside the programme's sale period."""

    code = "outside_sale_period"


class ChargeLapsed(DomainError):
    """チャージ取消 of value whose usage period has ended (lapsed, or lapsing tonight): nothing is left
    to take back, and saying "already spent" would be wrong."""

    code = "charge_lapsed"


class NoticeClosed(DomainError):
    code = "notice_closed"


class NoEmailChange(DomainError):
    """The user exists; no change of theirs is waiting (or it is another admin's: they hold the code)."""

    code = "email_change_not_found"


class EmailCodeRejected(DomainError, InvalidRequest):
    """A wrong code for the new address, with the tries left (facts: left)."""

    code = "code_invalid"
    variant = "left"


class EmailCodeTriesExceeded(DomainError):
    code = "code_attempts_exceeded"
    variant = "email_change"


# --- 精算 (payouts.py) ---


class PeriodNotCutoff(DomainError, InvalidRequest):
    code = "payout_not_cutoff"  # facts: end, following (dates)


class PeriodOpen(DomainError, InvalidRequest):
    code = "payout_period_open"  # facts: end (a date)


class PeriodOverlap(DomainError, Conflict):
    code = "payout_period_overlap"  # facts: start, end (of the confirmed run)


class NoPayees(DomainError, InvalidRequest):
    code = "payout_no_payees"  # facts: start, end (dates)


NoPayeeAccounts = variant(NoPayees, "accounts", "NoPayeeAccounts")


class RunStateRefused(DomainError, Conflict):
    """The run is not in a state for this (or moved under the caller)."""

    code = "payout_state"


class RunNotPayable(RunStateRefused):
    variant = "not_payable"  # facts: state (its label)


class RunNotCancellable(RunStateRefused):
    variant = "not_cancellable"  # facts: state (its label)


RunNotLast = variant(RunStateRefused, "order", "RunNotLast")


RunCancelledNoFile = variant(RunStateRefused, "cancelled_file", "RunCancelledNoFile")


class SettingsMissing(DomainError, InvalidRequest):
    code = "payout_settings_missing"


# --- what a form shows beside a field (errors.field_problem) ---
