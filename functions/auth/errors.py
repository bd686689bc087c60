"""Sign-in refusals, as codes (their statuses and texts: shoken.messages). Messages never say whether a
login ID exists."""

from __future__ import annotations

from shoken.db import attempts
from shoken.errors import DomainError, Forbidden, InvalidRequest, NotFound, Unauthenticated


class InvalidCredentials(DomainError, Unauthenticated):
    code = "invalid_credentials"


class AccountSuspended(DomainError, Forbidden):
    code = "account_suspended"


class WalletSuspended(AccountSuspended):
    """A citizen's wallet: the committee (実行委員会), not an admin, is who to ask."""

    variant = "wallet"


class WrongApp(DomainError, Forbidden):
    code = "wrong_app"


class UseMerchantApp(WrongApp):
    """Store staff at the admin console."""

    variant = "console"


class MerchantStaffOnly(WrongApp):
    """A console user at the merchant app."""

    variant = "merchant"


class NotThisStore(DomainError, Forbidden):
    code = "not_this_store"


class TerminalRejected(DomainError, Unauthenticated):
    code = "terminal_invalid"


class TerminalLocked(DomainError):
    code = "terminal_locked"


class ResetLinkInvalid(DomainError, InvalidRequest):
    code = "reset_link_invalid"


class WrongStep(DomainError, Unauthenticated):
    code = "wrong_step"


class CurrentPasswordWrong(DomainError, InvalidRequest):
    code = "invalid_request"
    variant = "current_password"


class CodeRejected(DomainError, attempts.CodeRejected):
    """A wrong emailed code, with the tries left (facts: left)."""

    code = attempts.CodeRejected.code
    variant = "left"


class NoWalletService(DomainError, NotFound):
    code = "not_found"
    variant = "wallet_service"
