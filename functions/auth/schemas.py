"""Request and response models of the auth function's routes."""

from typing import Literal

from pydantic import Field

from shoken.entities import ScopeNames
from shoken.validation import EmailCode, Schema, TerminalId, TerminalPassword

LoginId = Field(min_length=1, max_length=64)
Password = Field(min_length=1, max_length=128)
EMAIL_PATTERN = r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$"


class HealthResponse(Schema):
    status: str
    stage: str


class CommitteeSummary(Schema):
    committee_id: str
    name: str
    city: str
    wallet_service_id: str
    wallet_service_name: str
    contact_phone: str | None = None
    contact_hours: str | None = None


class SiteResponse(Schema):
    committees: list[CommitteeSummary]
    stage: str
    # The badge every screen shows (e.g. 「ローカル」); None on prod, where no badge is shown.
    stage_label: str | None = None


class LoginRequest(Schema):
    login_id: str = LoginId
    password: str = Password


class InitialPasswordRequest(Schema):
    new_password: str = Password
    confirm_password: str = Password


class VerifyRequest(Schema):
    code: EmailCode


class PasswordChangeRequest(Schema):
    current_password: str = Password
    new_password: str = Password
    confirm_password: str = Password


class ResetRequest(Schema):
    login_id: str = LoginId


class ResetConfirmRequest(Schema):
    token: str = Field(min_length=20, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")
    new_password: str = Password
    confirm_password: str = Password


class TerminalCredentials(Schema):
    terminal_id: TerminalId
    password: TerminalPassword


class WalletStartRequest(Schema):
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    service_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


class Me(ScopeNames):
    user_id: str
    role: str
    role_label: str
    app: str
    name: str | None = None
    login_id: str | None = None
    email: str | None = None
    terminal_id: str | None = None
    wallet_service_name: str | None = None
    session_expires_at: int


class MeResponse(Me):
    csrf_token: str


class SignInStep(Schema):
    next: Literal["change_password", "verify_email", "done"]
    email_hint: str | None = None
    me: Me | None = None
    csrf_token: str | None = None


class TerminalInfo(Schema):
    terminal_id: str
    store_id: str
    store_name: str
    store_phone: str | None = None
    company_name: str | None = None
    device_name: str | None = None


class Accepted(Schema):
    message: str
