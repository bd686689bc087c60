"""Errors a caller may see: each has a stable machine code, an HTTP status and a Japanese message.

A DomainError (the money path's refusals) is written as its code and its facts only (an amount, a
field); its status and its message, in Japanese and English, come from the catalogue (shoken.messages).
"""

from __future__ import annotations

import sys
from typing import Any, ClassVar, TypeVar

from shoken import messages

# What a field's reason code means, for details raised without their own sentence: the UI shows
# reason_ja beside the field and never the code (issue 14.3).
REASONS_JA: dict[str, str] = {
    "duplicate": "既に使われています。別の値を入力してください。",
    "mismatch": "正しくありません。",
    "required": "入力してください。",
    "unknown": "見つかりません。",
    "format": "形式が正しくありません。",
    "locked": "ロックされています。",
    "password": "パスワードが正しくありません。",
}


class ShokenError(Exception):
    """Base of every error a caller may see. Handlers never build error bodies themselves."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = "リクエストが正しくありません。"

    def __init__(
        self, message: str | None = None, *, details: list[dict[str, Any]] | None = None, retry_after: int | None = None
    ) -> None:
        self.text = message or self.message
        self.details = details or []
        self.retry_after = retry_after  # seconds; answered as Retry-After (throttling)
        super().__init__(self.text)

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(max(1, self.retry_after))} if self.retry_after is not None else {}

    def body(self, language: str = "ja") -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.text}
        if self.details:
            error["details"] = [
                {
                    **d,
                    "reason_ja": d.get("reason_ja")
                    or REASONS_JA.get(str(d.get("reason")), "入力内容を確認してください。"),
                }
                for d in self.details
            ]
        if self.retry_after is not None:
            error["retry_after"] = max(1, self.retry_after)
        return {"error": error}


class DomainError(ShokenError):
    """A refusal of the domain or the data layer, written as its code and its facts (DomainError(available=
    500)), never a status or a sentence: the catalogue (shoken.messages) gives both, keyed by the code
    (or code.variant, another wording of the same code for another screen), in the caller's language."""

    variant: ClassVar[str] = ""
    family: ClassVar[bool] = False  # a base of variants only (its own code has no text): never raised itself

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if vars(cls).get("family"):
            return
        entry = messages.entry(cls.key())  # a code without its catalogue entry fails at import
        cls.status = entry.status
        cls.message = entry.ja

    @classmethod
    def key(cls) -> str:
        return f"{cls.code}.{cls.variant}" if cls.variant else cls.code

    def __init__(
        self, *, details: list[dict[str, Any]] | None = None, retry_after: int | None = None, **facts: Any
    ) -> None:
        # details: the fields at fault, for the form to mark (their texts from the catalogue too)
        self.facts = facts
        super().__init__(self.text_in("ja"), details=details, retry_after=retry_after)

    def text_in(self, language: str) -> str:
        return messages.text(self.key(), self.facts, language)

    def body(self, language: str = "ja") -> dict[str, Any]:
        body = super().body(language)
        body["error"]["message"] = self.text_in(language)
        return body


Refusal = TypeVar("Refusal", bound=DomainError)


def variant(base: type[Refusal], name: str, class_name: str) -> type[Refusal]:
    """Another wording of `base`'s code, declared in one line: the class whose catalogue entry is
    `code.name` (a refusal raised in several situations, each said its own way)."""
    module = sys._getframe(1).f_globals.get("__name__", base.__module__)  # where it is declared, as namedtuple
    return type(class_name, (base,), {"variant": name, "__module__": module})


# --- the money path's refusals: codes and facts (their status and texts: shoken.messages) ---------------
class WalletSuspended(DomainError):
    """The wallet is suspended (利用停止): it neither pays nor is charged nor granted."""

    code = "wallet_suspended"


class PurchaseLimitExceeded(DomainError):
    """A 店頭チャージ would take the citizen past the programme's per-person limit."""

    code = "purchase_limit_exceeded"


class ChargeAlreadySpent(DomainError):
    """A charge cannot be cancelled once any of its value has been spent."""

    code = "charge_already_spent"


class AlreadyCancelled(DomainError):
    """The transaction was cancelled before (a cancel happens once)."""

    code = "already_cancelled"


class InsufficientBalance(DomainError):
    """The buckets that may pay at this store hold less than the amount."""

    code = "insufficient_balance"


InsufficientHere = variant(
    InsufficientBalance, "here", "InsufficientHere"
)  # Short of balance, with what this store can take (facts: available)


class QrUnknown(DomainError):
    """The citizen's QR token is not one we issued for that wallet."""

    code = "qr_unknown"


class QrExpired(DomainError):
    """The QR token's few minutes are over."""

    code = "qr_expired"


class QrUsed(DomainError):
    """The QR token has paid once already."""

    code = "qr_used"


class WalletNotHere(DomainError):
    """The wallet belongs to another committee's vouchers than the store's."""

    code = "wallet_other_service"


class RequestExpired(DomainError):
    """The store's MPM request is past its time to pay."""

    code = "mpm_expired"


class RequestPaid(DomainError):
    """The store's MPM request has been paid already."""

    code = "mpm_paid"


class InvalidRequest(ShokenError):
    status = 400
    code = "invalid_request"
    message = "入力内容に誤りがあります。"


class BodyTooDeep(InvalidRequest):
    code = "body_too_deep"
    message = "リクエストの形式が正しくありません (入れ子が深すぎます)。"


class Unauthenticated(ShokenError):
    status = 401
    code = "unauthenticated"
    message = "ログインしてください。"


class SessionExpired(Unauthenticated):
    code = "session_expired"
    message = "一定時間操作がなかったため、ログアウトしました。再度ログインしてください。"


class Forbidden(ShokenError):
    status = 403
    code = "forbidden"
    message = "この操作を行う権限がありません。"


class CsrfRejected(Forbidden):
    code = "csrf_rejected"
    message = "画面を再読み込みしてから、もう一度操作してください。"


class NotFound(ShokenError):
    status = 404
    code = "not_found"
    message = "対象が見つかりません。"


class Conflict(ShokenError):
    status = 409
    code = "conflict"
    message = "他の操作と競合しました。もう一度お試しください。"


class AlreadyExists(Conflict):
    code = "already_exists"
    message = "既に登録されています。"


# The shared edge errors as families of DomainErrors: a variant of one (errors.variant) answers the
# edge error's code and still is one (an `except NotFound` catches it), with its own catalogue text.
class RequestRefused(DomainError, InvalidRequest):
    family = True


class NotFoundRefused(DomainError, NotFound):
    family = True


class ForbiddenRefused(DomainError, Forbidden):
    family = True


class ConflictRefused(DomainError, Conflict):
    family = True


class ExistsRefused(DomainError, AlreadyExists):
    family = True


class UnauthenticatedRefused(DomainError, Unauthenticated):
    family = True


AmountOutOfRange = variant(RequestRefused, "amount", "AmountOutOfRange")  # facts: most (the largest amount)
# Records both console functions (admin, programme) look up, and an upload with nothing in it.
CommitteeNotFound = variant(NotFoundRefused, "committee", "CommitteeNotFound")
ProgrammeNotFound = variant(NotFoundRefused, "programme", "ProgrammeNotFound")
CompanyNotFound = variant(NotFoundRefused, "company", "CompanyNotFound")
StoreNotFound = variant(NotFoundRefused, "store", "StoreNotFound")
FileEmpty = variant(RequestRefused, "file_empty", "FileEmpty")
# Records more than one area looks up (the console and the till, the wallet and the till).
CardNotFound = variant(NotFoundRefused, "card", "CardNotFound")
TransactionNotFound = variant(NotFoundRefused, "transaction", "TransactionNotFound")
NoticeNotFound = variant(NotFoundRefused, "notice", "NoticeNotFound")
PaymentRequestNotFound = variant(NotFoundRefused, "payment_request", "PaymentRequestNotFound")  # an MPM request
QrCodeNotFound = variant(NotFoundRefused, "qr_code", "QrCodeNotFound")
# A card's state moved under a console action (block, unblock, reissue, move).
CardAlreadyStopped = variant(ConflictRefused, "card_stopped", "CardAlreadyStopped")
CardNotBlocked = variant(ConflictRefused, "card_not_blocked", "CardNotBlocked")
CardMovedOn = variant(ConflictRefused, "card_moved_on", "CardMovedOn")
CardBalanceChanged = variant(ConflictRefused, "card_balance_changed", "CardBalanceChanged")


class PayloadTooLarge(ShokenError):
    status = 413
    code = "payload_too_large"
    message = "送信されたデータが大きすぎます。"


class Locked(ShokenError):
    status = 423
    code = "account_locked"
    message = "アカウントがロックされています。管理者にロック解除を依頼してください。"


class TooManyRequests(ShokenError):
    status = 429
    code = "too_many_requests"
    message = "しばらく時間をおいてから、もう一度お試しください。"


def wait_text(seconds: int) -> str:
    """「約3分後」: when to try again, in words (the Retry-After header says it in seconds)."""
    if seconds < 60:
        return f"{max(1, seconds)}秒後"
    return f"約{(seconds + 59) // 60}分後"


class Wait:
    """When to try again, as a fact each language says its own way: `{wait:ja}` 「約3分後」,
    `{wait:en}` "in about 3 minutes"."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds

    def __format__(self, language: str) -> str:
        if language != "en":
            return wait_text(self.seconds)
        if self.seconds < 60:
            return f"in {max(1, self.seconds)} seconds"
        return f"in about {(self.seconds + 59) // 60} minutes"


class Limited:
    """What reached its limit, in the console's words (e.g. 申込資格の確認): `{limited:ja}` leads the
    Japanese sentence with it; English says "Too many tries" whatever it was (`{limited:en}` is empty)."""

    __slots__ = ("what",)

    def __init__(self, what: str | None) -> None:
        self.what = what

    def __format__(self, language: str) -> str:
        if language == "en":
            return ""
        return f"{self.what}の回数が上限に達しました。" if self.what else "回数の上限に達しました。"


class Throttled(DomainError, TooManyRequests):
    """A limit of tries per window was reached: says when to try again, in words and in Retry-After.
    `what` names the limited action in the console's words (Japanese), e.g. 申込資格の確認."""

    code = "too_many_requests"
    variant = "wait"

    def __init__(self, seconds: int, what: str | None = None) -> None:
        super().__init__(retry_after=seconds, limited=Limited(what), wait=Wait(seconds))


def throttled(seconds: int, what: str | None = None) -> TooManyRequests:
    """429 that says when to try again, in the message and in Retry-After."""
    return Throttled(seconds, what)


class ServiceUnavailable(ShokenError):
    status = 503
    code = "service_unavailable"
    message = "ただいま混み合っています。しばらくしてから、もう一度お試しください。"

    def __init__(
        self, message: str | None = None, *, details: list[dict[str, Any]] | None = None, retry_after: int | None = 2
    ) -> None:
        # Busy is passing: the caller is told when to try again (Retry-After) unless a cause says otherwise.
        super().__init__(message, details=details, retry_after=retry_after)


class BusyRefused(DomainError, ServiceUnavailable):
    """A family: busy, said each its own way, with Retry-After (2 seconds unless a cause says otherwise)."""

    family = True

    def __init__(self, *, retry_after: int | None = 2, **facts: Any) -> None:
        super().__init__(retry_after=retry_after, **facts)


WritesOverlapped = variant(BusyRefused, "overlapped", "WritesOverlapped")  # tries used up by writes racing it
CardSheetPending = variant(BusyRefused, "card_sheet", "CardSheetPending")  # facts: wait (a Wait)


class InternalError(ShokenError):
    status = 500
    code = "internal_error"
    message = "システムエラーが発生しました。時間をおいて再度お試しください。"


# --- resident lists and sales (issues 15/23): codes and facts (their status and texts: shoken.messages) ---
class ReasonRequired(InvalidRequest):
    code = "reason_required"
    message = "個人情報を検索する理由を選択してください。"


class ResidentListMissing(DomainError):
    code = "resident_list_missing"


class NotOnResidentList(DomainError):
    code = "not_on_resident_list"


LeftResidentList = variant(
    NotOnResidentList, "left", "LeftResidentList"
)  # The person of a printed 引換コード is no longer on the resident list
RemovedFromResidentList = variant(
    NotOnResidentList, "removed", "RemovedFromResidentList"
)  # The wallet's person was on the list when it became eligible, and a later list does not have them


class EligibilityTaken(DomainError):
    code = "eligibility_taken"


WalletHoldsOther = variant(
    EligibilityTaken, "wallet", "WalletHoldsOther"
)  # This wallet registered another person's eligibility already


EligibleInApp = variant(
    EligibilityTaken, "app", "EligibleInApp"
)  # A paper application for a person whose eligibility an app registered


class NotEligible(DomainError):
    code = "not_eligible"


class OutsideApplicationWindow(DomainError):
    """Facts: start, end (the 申込期間)."""

    code = "outside_application_window"


ApplicationsClosed = variant(OutsideApplicationWindow, "closed", "ApplicationsClosed")


class OverPurchaseLimit(DomainError):
    """Facts: limit (units per person)."""

    code = "over_purchase_limit"


class AlreadyApplied(DomainError):
    code = "already_applied"


AppliedAtCounter = variant(AlreadyApplied, "counter", "AppliedAtCounter")


class NoApplication(DomainError):
    code = "no_application"


class NoSale(DomainError):
    code = "no_sale"


class DrawBeforeClose(DomainError):
    """Facts: apply_end."""

    code = "draw_before_close"


class AlreadyDrawn(DomainError):
    code = "already_drawn"


DrawRunning = variant(AlreadyDrawn, "running", "DrawRunning")


SecondRoundDrawn = variant(AlreadyDrawn, "round2", "SecondRoundDrawn")


DrawnNoWindowChange = variant(AlreadyDrawn, "settings", "DrawnNoWindowChange")


class NotDrawn(DomainError):
    code = "not_drawn"


NotDrawnToBuy = variant(NotDrawn, "purchase", "NotDrawnToBuy")


NotDrawnForDeposits = variant(NotDrawn, "deposits", "NotDrawnForDeposits")


class AlreadyClosed(DomainError):
    code = "already_closed"


ClosedNoWindowChange = variant(AlreadyClosed, "settings", "ClosedNoWindowChange")


class NotAWinner(DomainError):
    code = "not_a_winner"


NotAWinnerAskPerson = variant(
    NotAWinner, "ask_person", "NotAWinnerAskPerson"
)  # The wallet is eligible as nobody: a paper winner is named at the counter by his resident fields


class PurchaseDeadlinePassed(DomainError):
    """Facts: deadline."""

    code = "purchase_deadline_passed"


class OverAllocation(DomainError):
    """Facts: won, left (units)."""

    code = "over_allocation"


class PurchaseOpen(DomainError):
    """Facts: deadline."""

    code = "purchase_open"


class AllocationChanged(DomainError):
    code = "allocation_changed"


class SecondRoundStarted(DomainError):
    """A first-round purchase or its cancel once the second round's seed is set: the second round's
    pool is the first round's unbought units as they stood then, so they must not move any more."""

    code = "second_round_started"


SecondRoundStartedDeposit = variant(SecondRoundStarted, "deposit", "SecondRoundStartedDeposit")


# 引換コード (issue 15.1)
class RedemptionCodeInvalid(DomainError):
    code = "redemption_code_invalid"


class RedemptionCodeUsed(DomainError):
    code = "redemption_code_used"


class ResidentFileRows(InvalidRequest):
    code = "resident_file_rows"
    message = "ファイルに誤りがあるため、引換コードを発行しませんでした。"


# 店頭チャージ of a lottery programme: the person at the counter and the wallet charged (issue 15.5)
class WonUnitsInOtherWallet(DomainError):
    code = "won_units_in_other_wallet"


class WalletOfAnotherPerson(DomainError):
    code = "wallet_of_another_person"


CardOfAnotherPerson = variant(WalletOfAnotherPerson, "card", "CardOfAnotherPerson")  # issued from another's entry


class AppliedInApp(DomainError):
    code = "applied_in_app"


def field_problem(field: str, reason: str, text: str | type[DomainError], /, **facts: Any) -> dict[str, Any]:
    """One detail of a refusal: the field at fault, its reason code and what the form shows beside it:
    a refusal's own message, or the catalogue's FIELD_TEXTS[text] (in Japanese: the console's language)."""
    said = text.message if isinstance(text, type) else messages.field_text(text, facts)
    return {"field": field, "reason": reason, "reason_ja": said}
