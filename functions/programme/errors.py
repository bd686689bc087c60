"""The programme function's refusals (住民名簿, 販売, カード, 換金・精算), as codes and facts: each one's
status and its texts (ja, en) are in the catalogue (shoken.messages) under code.variant."""

from __future__ import annotations

from shoken.errors import (
    Conflict,
    DomainError,
    ForbiddenRefused,
    InvalidRequest,
    NotFoundRefused,
    ReasonRequired,
    RequestRefused,
    ResidentFileRows,
    variant,
)

# --- who may do what (403) ---


CardsCommitteeOnly = variant(ForbiddenRefused, "cards", "CardsCommitteeOnly")


PayoutsCommitteeOnly = variant(ForbiddenRefused, "payouts", "PayoutsCommitteeOnly")


PayoutAccountEditors = variant(ForbiddenRefused, "payout_account", "PayoutAccountEditors")


PayoutByEditors = variant(ForbiddenRefused, "payout_by", "PayoutByEditors")


# --- what is not there, or not the caller's to see (404) ---


LinkTargetNotFound = variant(NotFoundRefused, "link_target", "LinkTargetNotFound")


PayoutNotFound = variant(NotFoundRefused, "payout", "PayoutNotFound")


StatementNotFound = variant(NotFoundRefused, "statement", "StatementNotFound")


NoPaymentToCompany = variant(NotFoundRefused, "statement_company", "NoPaymentToCompany")


ResidentImportNotFound = variant(NotFoundRefused, "resident_import", "ResidentImportNotFound")


# --- what was sent is not right (400) ---


ResidentFileTooLarge = variant(RequestRefused, "resident_file_too_large", "ResidentFileTooLarge")


CardRowsNotListed = variant(RequestRefused, "card_rows", "CardRowsNotListed")  # facts: count


CardRowsTwice = variant(RequestRefused, "card_rows_twice", "CardRowsTwice")


PayoutPeriodTooLong = variant(RequestRefused, "payout_period", "PayoutPeriodTooLong")  # facts: days


PaidDateOutside = variant(RequestRefused, "paid_date", "PaidDateOutside")


# facts: format (PDF, CSV), limit
CodeSheetTooManyRows = variant(RequestRefused, "code_sheet_rows", "CodeSheetTooManyRows")


NoRowsToIssue = variant(RequestRefused, "no_rows", "NoRowsToIssue")


ResidentListErased = variant(RequestRefused, "residents_erased", "ResidentListErased")


# --- other refusals of the shared layer, in this console's words ---


class CardReasonRequired(DomainError, ReasonRequired):
    variant = "card"


class CodeFileRows(DomainError, ResidentFileRows):
    """Facts: count."""

    variant = "count"


# --- the console's own refusals ---


class UnprintableName(DomainError, InvalidRequest):
    code = "card_name_unprintable"


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
