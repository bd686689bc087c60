"""The route table: every HTTP route, the function area that serves it and who may call it.

The CDK stack builds the HTTP API from this table, the local server routes requests with it, the
auth middleware enforces its access rules and the authorization matrix test is generated from it.
Adding a route is one line here plus the route function in its area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from shoken.roles import CONSOLE_ROLES, MERCHANT_ROLES, Role
from shoken.strict import JSON_BODY_LIMIT, UPLOAD_BODY_LIMIT


class Area(StrEnum):
    AUTH = "auth"
    ADMIN = "admin"
    PROGRAMME = "programme"  # the console's 住民名簿, 販売, カード and 換金・精算 (apart from admin: issue 19)
    PAYMENTS = "payments"
    HISTORY = "history"
    WALLET = "wallet"


class Gate(StrEnum):
    PUBLIC = "public"  # anyone; the route itself limits what it reveals
    PENDING = "pending"  # a sign-in in progress (password change / email code), not yet a session
    TERMINAL = "terminal"  # a device bound to a terminal, before staff sign-in
    SESSION = "session"  # a signed-in user whose role is in `roles`


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    area: Area
    gate: Gate
    roles: frozenset[Role] = field(default_factory=frozenset)
    # The payment reads the session record inside its single BatchGetItem (SPEC §8), so the
    # middleware only verifies the signed cookie and leaves the record check to the handler.
    session_in_handler: bool = False
    # Largest request body accepted, in bytes (413 beyond it; documented in the OpenAPI document).
    body_limit: int = JSON_BODY_LIMIT

    @property
    def key(self) -> str:
        """API Gateway's routeKey for this route, e.g. "GET /api/admin/stores/{store_id}"."""
        return f"{self.method} {self.path}"

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.path) + "$")


def _public(method: str, path: str, area: Area) -> Route:
    return Route(method, path, area, Gate.PUBLIC)


def _pending(method: str, path: str, area: Area) -> Route:
    return Route(method, path, area, Gate.PENDING)


def _terminal(method: str, path: str, area: Area) -> Route:
    return Route(method, path, area, Gate.TERMINAL)


def _session(method: str, path: str, area: Area, roles: frozenset[Role] | set[Role], **kw: Any) -> Route:
    return Route(method, path, area, Gate.SESSION, frozenset(roles), **kw)


SYSTEM = frozenset({Role.SYSTEM_ADMIN})
COMMITTEE_UP = frozenset({Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN})
COMPANY_ADMIN_UP = COMMITTEE_UP | {Role.COMPANY_ADMIN}
CONSOLE = CONSOLE_ROLES
MERCHANT = MERCHANT_ROLES
CITIZEN = frozenset({Role.CITIZEN})
ANY_SIGNED_IN = CONSOLE_ROLES | MERCHANT_ROLES | CITIZEN
# Who may cancel a payment (SPEC §1): committee level, company admins, store managers.
CANCELLERS = COMMITTEE_UP | {Role.COMPANY_ADMIN, Role.STORE_MANAGER}

A, AD, PR, P, H, W = Area.AUTH, Area.ADMIN, Area.PROGRAMME, Area.PAYMENTS, Area.HISTORY, Area.WALLET

ROUTES: tuple[Route, ...] = (
    # --- site ---------------------------------------------------------------------------------
    _public("GET", "/api/health", A),
    _public("GET", "/api/site", A),
    # --- sign-in: console, merchant app, wallet ------------------------------------------------
    _public("POST", "/api/auth/login", A),
    _pending("POST", "/api/auth/initial-password", A),
    _pending("POST", "/api/auth/verify", A),
    _pending("POST", "/api/auth/resend", A),
    _public("POST", "/api/auth/password-reset", A),
    _public("POST", "/api/auth/password-reset/confirm", A),
    _session("GET", "/api/auth/me", A, ANY_SIGNED_IN),
    _session("POST", "/api/auth/logout", A, ANY_SIGNED_IN),
    _session("POST", "/api/auth/password", A, CONSOLE | MERCHANT),
    _public("POST", "/api/merchant/terminal/check", A),
    _public("POST", "/api/merchant/terminal/bind", A),
    _terminal("GET", "/api/merchant/terminal", A),
    _terminal("POST", "/api/merchant/login", A),
    _public("POST", "/api/wallet/auth/start", A),
    # --- admin users (管理ユーザ) and audit log ------------------------------------------------------
    _session("GET", "/api/admin/options", AD, CONSOLE),
    _session("GET", "/api/admin/users", AD, CONSOLE),
    _session("POST", "/api/admin/users", AD, CONSOLE),
    _session("GET", "/api/admin/users/{user_id}", AD, CONSOLE),
    _session("PUT", "/api/admin/users/{user_id}", AD, CONSOLE),
    _session("POST", "/api/admin/users/{user_id}/unlock", AD, CONSOLE),
    # accounts: email change with re-authentication and a code to the new address (issue 12.1)
    _session("POST", "/api/admin/users/{user_id}/email", AD, CONSOLE),
    _session("POST", "/api/admin/users/{user_id}/email/confirm", AD, CONSOLE),
    _session("POST", "/api/admin/users/{user_id}/suspend", AD, CONSOLE),
    _session("POST", "/api/admin/users/{user_id}/resume", AD, CONSOLE),
    _session("GET", "/api/admin/audit", AD, CONSOLE),
    # --- accounts: committees (アクワイアラ), one per city on the same deployment (issue 12.8) ------
    _session("GET", "/api/admin/committees", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/committees", AD, SYSTEM),
    _session("GET", "/api/admin/committees/{committee_id}", AD, COMMITTEE_UP),
    _session("PUT", "/api/admin/committees/{committee_id}", AD, COMMITTEE_UP),
    # --- companies, stores, terminals (企業 / 店舗 / 端末) ------------------------------------------------
    _session("GET", "/api/admin/companies", AD, CONSOLE),
    _session("POST", "/api/admin/companies", AD, COMMITTEE_UP),
    _session("GET", "/api/admin/companies/{company_id}", AD, CONSOLE),
    _session("PUT", "/api/admin/companies/{company_id}", AD, COMMITTEE_UP),
    _session("GET", "/api/admin/stores", AD, CONSOLE),
    _session("POST", "/api/admin/stores", AD, COMMITTEE_UP),
    _session("GET", "/api/admin/stores/{store_id}", AD, CONSOLE),
    _session("PUT", "/api/admin/stores/{store_id}", AD, COMMITTEE_UP),
    _session("PUT", "/api/admin/stores/{store_id}/details", AD, COMPANY_ADMIN_UP),  # screens: 企業管理者 edits
    _session("GET", "/api/admin/terminals", AD, CONSOLE),
    _session("POST", "/api/admin/terminals", AD, CONSOLE),
    _session("GET", "/api/admin/terminals/{terminal_id}", AD, CONSOLE),
    _session("PUT", "/api/admin/terminals/{terminal_id}", AD, CONSOLE),
    _session("POST", "/api/admin/terminals/{terminal_id}/password", AD, CONSOLE),
    _session("POST", "/api/admin/terminals/{terminal_id}/unbind", AD, CONSOLE),
    # --- app users (アプリユーザ) ------------------------------------------------------------------------
    _session("GET", "/api/admin/app-users", AD, COMMITTEE_UP),
    _session("GET", "/api/admin/app-users/{wallet_id}", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/app-users/{wallet_id}/suspend", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/app-users/{wallet_id}/resume", AD, COMMITTEE_UP),
    # --- bulk registration (マスタ一括登録) ----------------------------------------------------------------
    _session("GET", "/api/admin/bulk-specs", AD, CONSOLE),
    _session("GET", "/api/admin/bulk-specs/{spec}/template.csv", AD, CONSOLE),  # screens: the template to fill in
    _session("POST", "/api/admin/bulk-uploads", AD, CONSOLE, body_limit=UPLOAD_BODY_LIMIT),
    _session("GET", "/api/admin/bulk-uploads", AD, CONSOLE),
    _session("GET", "/api/admin/bulk-uploads/{job_id}", AD, CONSOLE),
    # --- programmes, counter purchases, grants (商品券事業 / 店頭チャージ / 一括付与) -----------------------
    _session("GET", "/api/admin/programmes", AD, CONSOLE),
    _session("POST", "/api/admin/programmes", AD, COMMITTEE_UP),
    _session("GET", "/api/admin/programmes/{programme_id}", AD, CONSOLE),
    _session("PUT", "/api/admin/programmes/{programme_id}", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/charges", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/charges/{number}/cancel", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/grants", AD, COMMITTEE_UP),
    _session("GET", "/api/admin/grants", AD, COMMITTEE_UP),
    # --- notices: お知らせ; the committee's contact is PUT /api/admin/committees/{id} ----
    _session("GET", "/api/admin/notices", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/notices", AD, COMMITTEE_UP),
    _session("GET", "/api/admin/notices/{notice_id}", AD, COMMITTEE_UP),
    _session("PUT", "/api/admin/notices/{notice_id}", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/notices/{notice_id}/withdraw", AD, COMMITTEE_UP),
    _session("GET", "/api/admin/reminders", AD, COMMITTEE_UP),
    _session("GET", "/api/wallet/notices", W, CITIZEN),
    _session("POST", "/api/wallet/notices/{notice_id}/read", W, CITIZEN),
    _session("GET", "/api/merchant/notices", H, MERCHANT),
    _session("POST", "/api/merchant/notices/{notice_id}/read", H, MERCHANT),
    # --- resident lists (住民名簿, issues 15/23); committee level only -------------------
    _session("GET", "/api/admin/programmes/{programme_id}/residents", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/programmes/{programme_id}/residents", PR, COMMITTEE_UP, body_limit=UPLOAD_BODY_LIMIT),
    _session("GET", "/api/admin/programmes/{programme_id}/resident-uploads", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/programmes/{programme_id}/resident-uploads/{job_id}", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/programmes/{programme_id}/residents/search", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/programmes/{programme_id}/sale", PR, COMMITTEE_UP),
    _session("PUT", "/api/admin/programmes/{programme_id}/sale", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/programmes/{programme_id}/applications", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/programmes/{programme_id}/draw", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/programmes/{programme_id}/applications.csv", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/programmes/{programme_id}/sale/close", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/programmes/{programme_id}/notify", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/programmes/{programme_id}/second-round", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/programmes/{programme_id}/sale-jobs", PR, COMMITTEE_UP),
    # --- 入金データ取込 (bank transfers of 当選 units, issue 15.5) ----------------------
    _session("POST", "/api/admin/programmes/{programme_id}/deposits", PR, COMMITTEE_UP, body_limit=UPLOAD_BODY_LIMIT),
    _session("GET", "/api/admin/programmes/{programme_id}/deposits", PR, COMMITTEE_UP),
    _session(
        "POST", "/api/admin/programmes/{programme_id}/redemption-codes", PR, COMMITTEE_UP, body_limit=UPLOAD_BODY_LIMIT
    ),
    _session("GET", "/api/wallet/sales", W, CITIZEN),
    _session("GET", "/api/wallet/sale/{programme_id}", W, CITIZEN),
    _session("POST", "/api/wallet/sale/{programme_id}/eligibility", W, CITIZEN),
    _session("PUT", "/api/wallet/sale/{programme_id}/application", W, CITIZEN),
    _session("POST", "/api/wallet/sale/{programme_id}/application/withdraw", W, CITIZEN),
    # --- card wallets (カード型, issue 16); committee level, the balance page public ---------
    _session("POST", "/api/admin/cards", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/cards/batch", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/cards/{card_number}", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/cards/{card_number}/block", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/cards/{card_number}/unblock", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/cards/{card_number}/unlock", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/cards/{card_number}/reissue", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/cards/{card_number}/link", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/committees/{committee_id}/card-settings", PR, COMMITTEE_UP),
    _session("PUT", "/api/admin/committees/{committee_id}/card-settings", PR, COMMITTEE_UP),
    _public("POST", "/api/card/balance", W),
    # --- personal data (issue 23): a wallet's details with a reason, 開示請求, erasure,
    # each programme's retention; committee level only
    _session("POST", "/api/admin/app-users/search", AD, COMMITTEE_UP),  # the list's search, address not in the URL
    _session("POST", "/api/admin/app-users/{wallet_id}/personal", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/app-users/{wallet_id}/disclosure", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/app-users/{wallet_id}/erase", AD, COMMITTEE_UP),
    _session("GET", "/api/admin/retention", AD, COMMITTEE_UP),
    _session("PUT", "/api/admin/programmes/{programme_id}/retention", AD, COMMITTEE_UP),
    _session("POST", "/api/admin/programmes/{programme_id}/retention/run", AD, COMMITTEE_UP),
    _session("POST", "/api/wallet/sale/{programme_id}/redeem", W, CITIZEN),
    # --- citizen wallet (利用者アプリ) ---------------------------------------------------------------------
    _session("GET", "/api/wallet/home", W, CITIZEN),
    _session("POST", "/api/wallet/qr", W, CITIZEN),
    _session("GET", "/api/wallet/qr/{poll_id}", W, CITIZEN),
    _session("GET", "/api/wallet/history", W, CITIZEN),
    _session("GET", "/api/wallet/stores", W, CITIZEN),
    _session("GET", "/api/wallet/mpm/{request_id}", W, CITIZEN),
    _session("POST", "/api/wallet/mpm/{request_id}/pay", W, CITIZEN, session_in_handler=True),
    # --- payments and cancels (QRコード決済 / 決済取消) ------------------------------------------------------
    _session("POST", "/api/payments", P, MERCHANT, session_in_handler=True),
    _session("POST", "/api/transactions/{number}/cancel", P, CANCELLERS, session_in_handler=True),
    _session("POST", "/api/merchant/mpm", P, MERCHANT),
    _session("GET", "/api/merchant/mpm/{request_id}", P, MERCHANT),
    # --- history (取引履歴) ---------------------------------------------------------------------------
    _session("GET", "/api/history", H, CONSOLE | MERCHANT),
    _session("GET", "/api/history/{number}", H, CONSOLE | MERCHANT),
    # screens: the merchant app's 日計 (its own store's day, for closing the till)
    _session("GET", "/api/merchant/daily", H, MERCHANT),
    # --- exports (ダウンロード予約 / ファイルダウンロード) and reports (集計) -----------------------------
    _session("POST", "/api/exports", H, CONSOLE),
    _session("GET", "/api/exports", H, CONSOLE),
    _session("POST", "/api/exports/{job_id}/link", H, CONSOLE),
    _session("GET", "/api/reports/totals", H, COMMITTEE_UP),
    _session("GET", "/api/reports/settlement", H, COMMITTEE_UP),
    _session("GET", "/api/reports/settlement.csv", H, COMMITTEE_UP),
    # screens: every report also as a file, CSV and XLSX (shoken.sheets)
    _session("GET", "/api/reports/settlement.xlsx", H, COMMITTEE_UP),
    _session("GET", "/api/reports/totals.csv", H, COMMITTEE_UP),
    _session("GET", "/api/reports/totals.xlsx", H, COMMITTEE_UP),
    _session("GET", "/api/reports/unused.csv", H, COMMITTEE_UP),
    _session("GET", "/api/reports/unused.xlsx", H, COMMITTEE_UP),
    _session("GET", "/api/reports/unused", H, COMMITTEE_UP),
    # --- payouts (換金・精算): payout accounts, calendar, runs, 全銀 file, statements --------------------
    _session("GET", "/api/admin/stores/{store_id}/payout-account", PR, CONSOLE),
    _session("PUT", "/api/admin/stores/{store_id}/payout-account", PR, COMPANY_ADMIN_UP),
    _session("GET", "/api/admin/companies/{company_id}/payout-account", PR, CONSOLE),
    _session("PUT", "/api/admin/companies/{company_id}/payout-account", PR, COMPANY_ADMIN_UP),
    _session("PUT", "/api/admin/companies/{company_id}/payout-by", PR, COMPANY_ADMIN_UP),
    _session("GET", "/api/admin/banks/{bank_code}", PR, CONSOLE),
    _session("GET", "/api/admin/committees/{committee_id}/payout-settings", PR, COMMITTEE_UP),
    _session("PUT", "/api/admin/committees/{committee_id}/payout-settings", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/programmes/{programme_id}/payout-calendar", PR, CONSOLE),
    _session("PUT", "/api/admin/programmes/{programme_id}/payout-calendar", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/payout-runs", PR, COMMITTEE_UP | {Role.COMPANY_ADMIN, Role.COMPANY_STAFF}),
    _session("POST", "/api/admin/payout-runs", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/payout-runs/{run_id}", PR, COMMITTEE_UP | {Role.COMPANY_ADMIN, Role.COMPANY_STAFF}),
    _session("POST", "/api/admin/payout-runs/{run_id}/paid", PR, COMMITTEE_UP),
    _session("POST", "/api/admin/payout-runs/{run_id}/cancel", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/payout-runs/{run_id}/zengin", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/payout-runs/{run_id}/list.csv", PR, COMMITTEE_UP),
    _session("GET", "/api/admin/payout-runs/{run_id}/list.xlsx", PR, COMMITTEE_UP),
    _session(
        "GET",
        "/api/admin/payout-runs/{run_id}/statements/{company_id}",
        PR,
        COMMITTEE_UP | {Role.COMPANY_ADMIN, Role.COMPANY_STAFF},
    ),
)

_BY_KEY = {route.key: route for route in ROUTES}


def by_key(route_key: str) -> Route | None:
    return _BY_KEY.get(route_key)


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """Find the route for a concrete request path, as API Gateway does (literal segments win)."""
    candidates = []
    for route in ROUTES:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found:
            candidates.append((route.path.count("{"), route, found.groupdict()))
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0])
    return candidates[0][1], candidates[0][2]


def for_area(area: Area) -> list[Route]:
    return [route for route in ROUTES if route.area is area]
