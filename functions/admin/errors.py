"""The admin console's refusals, as codes and facts: each one's status and its texts (ja, en) are in the
catalogue (shoken.messages) under code.variant. Each also is the shared error it narrows (a
TerminalNotFound is a NotFound), so a caller that catches the general kind still catches it."""

from __future__ import annotations

from shoken import privacy
from shoken.errors import (
    ConflictRefused,
    DomainError,
    ExistsRefused,
    ForbiddenRefused,
    InvalidRequest,
    NotFoundRefused,
    RequestRefused,
    variant,
)

# --- who may do what (403) ---


CommitteeAdminOnly = variant(ForbiddenRefused, "committee_admin", "CommitteeAdminOnly")


SystemAdminOnly = variant(ForbiddenRefused, "system_admin", "SystemAdminOnly")


AppUsersCommitteeOnly = variant(ForbiddenRefused, "app_users", "AppUsersCommitteeOnly")


PrivacyCommitteeOnly = variant(ForbiddenRefused, "privacy", "PrivacyCommitteeOnly")


StoreDetailsEditors = variant(ForbiddenRefused, "store_details", "StoreDetailsEditors")


BulkKindForbidden = variant(
    ForbiddenRefused, "bulk_kind", "BulkKindForbidden"
)  # facts: label, the kind's name on screen


NotOnSelf = variant(ForbiddenRefused, "self", "NotOnSelf")


HigherAdminOnly = variant(ForbiddenRefused, "higher", "HigherAdminOnly")


# --- what is not there, or not the caller's to see (404) ---


TerminalNotFound = variant(NotFoundRefused, "terminal", "TerminalNotFound")


AdminUserNotFound = variant(NotFoundRefused, "admin_user", "AdminUserNotFound")


AppUserNotFound = variant(NotFoundRefused, "app_user", "AppUserNotFound")


NoAppUserWithEmail = variant(NotFoundRefused, "app_user_email", "NoAppUserWithEmail")


BulkUploadNotFound = variant(NotFoundRefused, "bulk_upload", "BulkUploadNotFound")


BulkKindNotFound = variant(NotFoundRefused, "bulk_kind", "BulkKindNotFound")


# --- what was sent is not right (400) ---


FileTooLarge = variant(RequestRefused, "file_too_large", "FileTooLarge")


NoBulkKind = variant(RequestRefused, "bulk_kind", "NoBulkKind")


AuditPeriodTooLong = variant(RequestRefused, "audit_period", "AuditPeriodTooLong")  # facts: days


LocationHalf = variant(RequestRefused, "location", "LocationHalf")


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


# --- what a form shows beside a field (errors.field_problem) ---
