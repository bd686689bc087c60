"""Sign-in refusals. Messages never say whether a login ID exists."""

from __future__ import annotations

from shoken.errors import Forbidden, InvalidRequest, ShokenError, Unauthenticated


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"
    message = "ログインIDまたはパスワードが正しくありません。"


class AccountSuspended(Forbidden):
    code = "account_suspended"
    message = "このアカウントは利用停止中です。管理者にお問い合わせください。"


class WrongApp(Forbidden):
    code = "wrong_app"
    message = "このアカウントではログインできません。"


class NotThisStore(Forbidden):
    code = "not_this_store"
    message = "この端末の店舗に所属していないため、ログインできません。"


class TerminalRejected(Unauthenticated):
    code = "terminal_invalid"
    message = "端末IDまたはパスワードが正しくありません。"


class TerminalLocked(ShokenError):
    status = 423
    code = "terminal_locked"
    message = "端末設定の失敗が続いたため、ロックされました。管理画面で端末パスワードを再発行してください。"


class ResetLinkInvalid(InvalidRequest):
    code = "reset_link_invalid"
    message = "パスワード再設定のURLが無効か、有効期限が切れています。もう一度お申し込みください。"


class WrongStep(Unauthenticated):
    code = "wrong_step"
    message = "ログインの手順が正しくありません。最初からやり直してください。"
