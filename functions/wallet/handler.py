"""HTTP entry point of the wallet function (routes of area "wallet" in shoken.routes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from shoken import api, runtime
from shoken.api import Query
from shoken.config import WalletConfig
from shoken.observability import http_entry

# The route modules run on the first request of one of their routes (issue 19).
with api.deferred("shoken", "wallet"):
    from shoken import notices
    from wallet import codes, home, lists, mpm, sale
from wallet import card_balance
from wallet.card_balance import BalanceRequest, CardBalance
from wallet.schemas import (
    ApplicationRequest,
    EligibilityRequest,
    HistoryPage,
    HistoryQuery,
    Home,
    MpmPay,
    MpmView,
    PaymentDone,
    QrIssued,
    QrState,
    RedeemRequest,
    StorePage,
    StoreQuery,
    WalletSale,
    WalletSales,
)

if TYPE_CHECKING:  # only the annotations name it: the runtime import costs a cold start about 5 ms (issue 19)
    from aws_lambda_powertools.utilities.typing import LambdaContext

app = api.make_resolver()


# --- the card's balance page (public, read-only, rate-limited) ---------------------------
@app.post("/api/card/balance")
def handle_card_balance(body: BalanceRequest) -> CardBalance:
    return card_balance.balance(api.rt(), body)


@app.get("/api/wallet/home")
def handle_get_home() -> Home:
    return home.home(api.rt(), api.principal())


@app.post("/api/wallet/qr")
def handle_issue_qr() -> QrIssued:
    return codes.issue(api.rt(), api.principal())


@app.get("/api/wallet/qr/<poll_id>")
def handle_get_qr_state(poll_id: str) -> QrState:
    return codes.state(api.rt(), api.principal(), poll_id)


@app.get("/api/wallet/history")
def handle_get_history(query: Annotated[HistoryQuery, Query()]) -> HistoryPage:
    return lists.history_page(api.rt(), api.principal(), query)


@app.get("/api/wallet/stores")
def handle_get_stores(query: Annotated[StoreQuery, Query()]) -> StorePage:
    return lists.store_page(api.rt(), api.principal(), query)


@app.get("/api/wallet/mpm/<request_id>")
def handle_get_mpm(request_id: str) -> MpmView:
    return mpm.view(api.rt(), api.principal(), request_id)


@app.post("/api/wallet/mpm/<request_id>/pay")
def handle_pay_mpm(request_id: str, body: MpmPay) -> PaymentDone:
    return mpm.pay(api.rt(), api.principal(), request_id, body.idempotency_key)


# --- お知らせ ----------------------------------------------------------------------------
@app.get("/api/wallet/notices")
def handle_list_notices() -> notices.NoticeList:
    return notices.list_for(api.rt(), api.principal())


@app.post("/api/wallet/notices/<notice_id>/read")
def handle_read_notice(notice_id: str) -> notices.NoticeRead:
    return notices.mark_read(api.rt(), api.principal(), notice_id)


# --- 申込 (issue 15) ------------------------------------------------------------------
@app.get("/api/wallet/sales")
def handle_list_sales() -> WalletSales:
    return sale.list_open(api.rt(), api.principal())


@app.get("/api/wallet/sale/<programme_id>")
def handle_get_sale(programme_id: str) -> WalletSale:
    return sale.status(api.rt(), api.principal(), programme_id)


@app.post("/api/wallet/sale/<programme_id>/eligibility")
def handle_confirm_eligibility(programme_id: str, body: EligibilityRequest) -> WalletSale:
    return sale.confirm(api.rt(), api.principal(), programme_id, body)


@app.put("/api/wallet/sale/<programme_id>/application")
def handle_apply(programme_id: str, body: ApplicationRequest) -> WalletSale:
    return sale.apply(api.rt(), api.principal(), programme_id, body)


@app.post("/api/wallet/sale/<programme_id>/application/withdraw")
def handle_withdraw(programme_id: str) -> WalletSale:
    return sale.withdraw(api.rt(), api.principal(), programme_id)


@app.post("/api/wallet/sale/<programme_id>/redeem")
def handle_redeem_code(programme_id: str, body: RedeemRequest) -> WalletSale:
    return sale.redeem(api.rt(), api.principal(), programme_id, body)


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return api.serve(app, event, context, runtime.get(WalletConfig))
