"""Sign-in refusals, as codes (their statuses and texts: shoken.messages). Messages never say whether a
login ID exists."""

from __future__ import annotations

from shoken.db import attempts
from shoken.errors import DomainError, Forbidden, InvalidRequest, NotFound, Unauthenticated, variant


class InvalidCredentials(DomainError, Unauthenticated):
    """A wrong password, or a login ID no one has: the same answer for both."""

    code = "invalid_credentials"


class AccountSuspended(DomainError, Forbidden):
    """The user is suspended (利用停止) by an administrator."""

    code = "account_suspended"


WalletSuspended = variant(
    AccountSuspended, "wallet", "WalletSuspended"
)  # A citizen's wallet: the committee (実行委員会), not an admin, is who to ask


class WrongApp(DomainError, Forbidden):
    """The role signs in on another app than this one."""

    code = "wrong_app"


UseMerchantApp = variant(WrongApp, "console", "UseMerchantApp")  # Store staff at the admin console


MerchantStaffOnly = variant(WrongApp, "merchant", "MerchantStaffOnly")  # A console user at the merchant app


class NotThisStore(DomainError, Forbidden):
    """Store staff of another store than the terminal's."""

    code = "not_this_store"


class TerminalRejected(DomainError, Unauthenticated):
    """A wrong terminal ID or password at 端末設定 (which of the two is not said)."""

    code = "terminal_invalid"


class TerminalLocked(DomainError):
    """Five wrong set-up passwords: the terminal waits for a new password from the console (423)."""

    code = "terminal_locked"


class ResetLinkInvalid(DomainError, InvalidRequest):
    """A password reset link that is unknown, used, expired, or whose user can no longer sign in."""

    code = "reset_link_invalid"


class WrongStep(DomainError, Unauthenticated):
    """A sign-in step out of order, or of an attempt whose user is gone."""

    code = "wrong_step"


class CurrentPasswordWrong(DomainError, InvalidRequest):
    """パスワード変更 with a wrong current password."""

    code = "invalid_request"
    variant = "current_password"


CodeRejected = variant(attempts.CodeRejected, "left", "CodeRejected")  # a wrong emailed code (facts: left)


class NoWalletService(DomainError, NotFound):
    """A wallet sign-in for a service id no committee has."""

    code = "not_found"
    variant = "wallet_service"
