"""The admin console's refusals, as codes and facts: each one's status and its texts (ja, en) are in the
catalogue (shoken.messages) under code.variant. Each also is the shared error it narrows (a
CommitteeNotFound is a NotFound), so a caller that catches the general kind still catches it."""

from __future__ import annotations

from typing import Any

from shoken import messages, privacy
from shoken.errors import (
    Conflict,
    ConflictRefused,
    DomainError,
    ExistsRefused,
    ForbiddenRefused,
    InvalidRequest,
    NotFoundRefused,
    ReasonRequired,
    RequestRefused,
    ResidentFileRows,
    variant,
)


def field_problem(field: str, reason: str, text: str | type[DomainError], /, **facts: Any) -> dict[str, Any]:
    """One detail of a refusal: the field at fault, its reason code and what the form shows beside it:
    a refusal's own message, or the catalogue's FIELD_TEXTS[text] (in Japanese: the console's language)."""
    said = text.message if isinstance(text, type) else messages.field_text(text, facts)
    return {"field": field, "reason": reason, "reason_ja": said}


# --- who may do what (403) ---


CommitteeAdminOnly = variant(ForbiddenRefused, "committee_admin", "CommitteeAdminOnly")


SystemAdminOnly = variant(ForbiddenRefused, "system_admin", "SystemAdminOnly")


AppUsersCommitteeOnly = variant(ForbiddenRefused, "app_users", "AppUsersCommitteeOnly")


CardsCommitteeOnly = variant(ForbiddenRefused, "cards", "CardsCommitteeOnly")


PayoutsCommitteeOnly = variant(ForbiddenRefused, "payouts", "PayoutsCommitteeOnly")


PrivacyCommitteeOnly = variant(ForbiddenRefused, "privacy", "PrivacyCommitteeOnly")


StoreDetailsEditors = variant(ForbiddenRefused, "store_details", "StoreDetailsEditors")


PayoutAccountEditors = variant(ForbiddenRefused, "payout_account", "PayoutAccountEditors")


PayoutByEditors = variant(ForbiddenRefused, "payout_by", "PayoutByEditors")


BulkKindForbidden = variant(
    ForbiddenRefused, "bulk_kind", "BulkKindForbidden"
)  # facts: label, the kind's name on screen


NotOnSelf = variant(ForbiddenRefused, "self", "NotOnSelf")


HigherAdminOnly = variant(ForbiddenRefused, "higher", "HigherAdminOnly")


# --- what is not there, or not the caller's to see (404) ---


CommitteeNotFound = variant(NotFoundRefused, "committee", "CommitteeNotFound")


ProgrammeNotFound = variant(NotFoundRefused, "programme", "ProgrammeNotFound")


CompanyNotFound = variant(NotFoundRefused, "company", "CompanyNotFound")


StoreNotFound = variant(NotFoundRefused, "store", "StoreNotFound")


TerminalNotFound = variant(NotFoundRefused, "terminal", "TerminalNotFound")


AdminUserNotFound = variant(NotFoundRefused, "admin_user", "AdminUserNotFound")


AppUserNotFound = variant(NotFoundRefused, "app_user", "AppUserNotFound")


NoAppUserWithEmail = variant(NotFoundRefused, "app_user_email", "NoAppUserWithEmail")


LinkTargetNotFound = variant(NotFoundRefused, "link_target", "LinkTargetNotFound")


PayoutNotFound = variant(NotFoundRefused, "payout", "PayoutNotFound")


StatementNotFound = variant(NotFoundRefused, "statement", "StatementNotFound")


NoPaymentToCompany = variant(NotFoundRefused, "statement_company", "NoPaymentToCompany")


BulkUploadNotFound = variant(NotFoundRefused, "bulk_upload", "BulkUploadNotFound")


BulkKindNotFound = variant(NotFoundRefused, "bulk_kind", "BulkKindNotFound")


ResidentImportNotFound = variant(NotFoundRefused, "resident_import", "ResidentImportNotFound")


# --- what was sent is not right (400) ---


FileEmpty = variant(RequestRefused, "file_empty", "FileEmpty")


FileTooLarge = variant(RequestRefused, "file_too_large", "FileTooLarge")


ResidentFileTooLarge = variant(RequestRefused, "resident_file_too_large", "ResidentFileTooLarge")


NoBulkKind = variant(RequestRefused, "bulk_kind", "NoBulkKind")


AuditPeriodTooLong = variant(RequestRefused, "audit_period", "AuditPeriodTooLong")  # facts: days


CardRowsNotListed = variant(RequestRefused, "card_rows", "CardRowsNotListed")  # facts: count


CardRowsTwice = variant(RequestRefused, "card_rows_twice", "CardRowsTwice")


LocationHalf = variant(RequestRefused, "location", "LocationHalf")


PayoutPeriodTooLong = variant(RequestRefused, "payout_period", "PayoutPeriodTooLong")  # facts: days


PaidDateOutside = variant(RequestRefused, "paid_date", "PaidDateOutside")


# facts: format (PDF, CSV), limit
CodeSheetTooManyRows = variant(RequestRefused, "code_sheet_rows", "CodeSheetTooManyRows")


NoRowsToIssue = variant(RequestRefused, "no_rows", "NoRowsToIssue")


ResidentListErased = variant(RequestRefused, "residents_erased", "ResidentListErased")


WalletsUnknown = variant(RequestRefused, "wallets_unknown", "WalletsUnknown")  # facts: count


ChargeWhom = variant(RequestRefused, "charge_wallet", "ChargeWhom")


EmailNeedsReauth = variant(RequestRefused, "email_reauth", "EmailNeedsReauth")


CurrentPasswordWrong = variant(RequestRefused, "current_password", "CurrentPasswordWrong")


ChooseCommittee = variant(RequestRefused, "committee", "ChooseCommittee")


NoticeProgramme = variant(RequestRefused, "notice_programme", "NoticeProgramme")


NoticeArea = variant(RequestRefused, "notice_area", "NoticeArea")


NoticeAudience = variant(RequestRefused, "notice_audience", "NoticeAudience")


NoticeEnded = variant(RequestRefused, "notice_end_date", "NoticeEnded")


# --- the record moved under the caller, or is there already (409) ---


ServiceIdTaken = variant(ExistsRefused, "wallet_service", "ServiceIdTaken")


CardStatusElsewhere = variant(ConflictRefused, "card_status", "CardStatusElsewhere")


EmailMoved = variant(ConflictRefused, "email_moved", "EmailMoved")


NoticeChanged = variant(ConflictRefused, "notice_changed", "NoticeChanged")


# --- other refusals of the shared layer, in this console's words ---


class CardReasonRequired(DomainError, ReasonRequired):
    variant = "card"


class CodeFileRows(DomainError, ResidentFileRows):
    """Facts: count."""

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
