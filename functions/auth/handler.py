"""HTTP entry point of the auth function (routes of area "auth" in shoken.routes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auth.schemas import (
    Accepted,
    HealthResponse,
    InitialPasswordRequest,
    LoginRequest,
    MeResponse,
    PasswordChangeRequest,
    ResetConfirmRequest,
    ResetRequest,
    SignInStep,
    SiteResponse,
    TerminalCredentials,
    TerminalInfo,
    VerifyRequest,
    WalletStartRequest,
)
from shoken import api, runtime
from shoken.config import AuthConfig
from shoken.observability import http_entry

if TYPE_CHECKING:  # only the annotations name it: the runtime import costs a cold start about 5 ms (issue 19)
    from aws_lambda_powertools.utilities.typing import LambdaContext

# The route modules run on the first request of one of their routes (issue 19).
with api.deferred("auth"):
    from auth import citizen, console, merchant, profile, site

app = api.make_resolver()


@app.get("/api/health")
def handle_get_health() -> HealthResponse:
    return HealthResponse(status="ok", stage=api.rt().config.stage)


@app.get("/api/site")
def handle_get_site() -> SiteResponse:
    return site.describe(api.rt())


@app.post("/api/auth/login")
def handle_login(body: LoginRequest) -> SignInStep:
    return console.login(api.rt(), body)


@app.post("/api/auth/initial-password")
def handle_initial_password(body: InitialPasswordRequest) -> SignInStep:
    return console.initial_password(api.rt(), api.pending(), body)


@app.post("/api/auth/verify")
def handle_verify_code(body: VerifyRequest) -> SignInStep:
    return console.verify(api.rt(), api.pending(), body.code)


@app.post("/api/auth/resend")
def handle_resend_code() -> SignInStep:
    return console.resend(api.rt(), api.pending())


@app.post("/api/auth/password-reset")
def handle_request_password_reset(body: ResetRequest) -> Accepted:
    console.request_reset(api.rt(), body)
    return Accepted(message="ご登録のメールアドレスにパスワード再設定のご案内を送信しました。")


@app.post("/api/auth/password-reset/confirm")
def handle_confirm_password_reset(body: ResetConfirmRequest) -> Accepted:
    console.confirm_reset(api.rt(), body)
    return Accepted(message="パスワードを再設定しました。新しいパスワードでログインしてください。")


@app.get("/api/auth/me")
def handle_get_me() -> MeResponse:
    caller = api.principal()
    me = profile.of_principal(api.rt(), caller, api.session_ends())
    return MeResponse(**me.model_dump(), csrf_token=caller.csrf)


@app.post("/api/auth/logout")
def handle_logout() -> Accepted:
    site.logout(api.rt(), api.principal())
    return Accepted(message="ログアウトしました。")


@app.post("/api/auth/password")
def handle_change_password(body: PasswordChangeRequest) -> SignInStep:
    return console.change_password(api.rt(), api.principal(), body)


@app.post("/api/merchant/terminal/check")
def handle_check_terminal(body: TerminalCredentials) -> TerminalInfo:
    return merchant.check(api.rt(), body)


@app.post("/api/merchant/terminal/bind")
def handle_bind_terminal(body: TerminalCredentials) -> TerminalInfo:
    return merchant.bind(api.rt(), body)


@app.get("/api/merchant/terminal")
def handle_get_bound_terminal() -> TerminalInfo:
    return merchant.current(api.rt(), api.terminal_binding())


@app.post("/api/merchant/login")
def handle_merchant_login(body: LoginRequest) -> SignInStep:
    return merchant.login(api.rt(), api.terminal_binding(), body)


@app.post("/api/wallet/auth/start")
def handle_start_wallet_sign_in(body: WalletStartRequest) -> SignInStep:
    return citizen.start(api.rt(), body)


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return api.serve(app, event, context, runtime.get(AuthConfig))
