"""HTTP entry point of the programme function (routes of area "programme" in shoken.routes): 住民名簿,
販売 (applications, lottery, 入金, 引換コード), カード and 換金・精算. The console's other routes are the
admin function's; the two are apart so that each cold start builds only its own routes' models and
each role holds only its own grants (issue 19, docs/permissions.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from programme.card_schemas import (
    CardBatchRequest,
    CardDetail,
    CardIssueRequest,
    CardLinkRequest,
    CardReissueRequest,
    CardSettings,
    CardSettingsView,
    CardSheet,
)
from programme.payout_schemas import (
    BankNames,
    CalendarSettings,
    CalendarView,
    PaidRequest,
    PayoutAccountInput,
    PayoutAccountView,
    PayoutByRequest,
    PayoutSettingsInput,
    PayoutSettingsView,
    RunList,
    RunRequest,
    RunView,
)
from programme.schemas import (
    ApplicationView,
    DepositUpload,
    DepositUploadList,
    DrawRequest,
    PaperApplication,
    ResidentListView,
    ResidentSearch,
    ResidentSearchResult,
    ResidentUploadList,
    ResidentUploadView,
    SaleJobList,
    SaleSettings,
    SaleView,
    SecondRoundRequest,
)
from shoken import api, runtime
from shoken.api import Query, Response
from shoken.config import ProgrammeConfig
from shoken.console_models import JobView
from shoken.observability import http_entry

if TYPE_CHECKING:  # only the annotations name it: the runtime import costs a cold start about 5 ms (issue 19)
    from aws_lambda_powertools.utilities.typing import LambdaContext

# The route modules run on the first request of one of their routes (issue 19).
with api.deferred("programme", "shoken"):
    from programme import cards, deposits, payout_accounts, payouts, redemption, residents, sale, statements

app = api.make_resolver()


# --- payouts (換金・精算) ----------------------------------------------------------------------------
@app.get("/api/admin/stores/<store_id>/payout-account")
def handle_get_store_payout_account(store_id: str) -> PayoutAccountView:
    return payout_accounts.get(api.rt(), api.principal(), "store", store_id)


@app.put("/api/admin/stores/<store_id>/payout-account")
def handle_put_store_payout_account(store_id: str, body: PayoutAccountInput) -> PayoutAccountView:
    return payout_accounts.put(api.rt(), api.principal(), "store", store_id, body)


@app.get("/api/admin/companies/<company_id>/payout-account")
def handle_get_company_payout_account(company_id: str) -> PayoutAccountView:
    return payout_accounts.get(api.rt(), api.principal(), "company", company_id)


@app.put("/api/admin/companies/<company_id>/payout-account")
def handle_put_company_payout_account(company_id: str, body: PayoutAccountInput) -> PayoutAccountView:
    return payout_accounts.put(api.rt(), api.principal(), "company", company_id, body)


@app.put("/api/admin/companies/<company_id>/payout-by")
def handle_set_payout_by(company_id: str, body: PayoutByRequest) -> PayoutAccountView:
    return payout_accounts.set_payout_by(api.rt(), api.principal(), company_id, body)


@app.get("/api/admin/banks/<bank_code>")
def handle_bank_names(
    bank_code: str, branch_code: Annotated[str | None, Query(max_length=3, pattern=r"^[0-9]{0,3}$")] = None
) -> BankNames:
    return payout_accounts.names(bank_code, branch_code)


@app.get("/api/admin/committees/<committee_id>/payout-settings")
def handle_get_payout_settings(committee_id: str) -> PayoutSettingsView:
    return payouts.get_settings(api.rt(), api.principal(), committee_id)


@app.put("/api/admin/committees/<committee_id>/payout-settings")
def handle_put_payout_settings(committee_id: str, body: PayoutSettingsInput) -> PayoutSettingsView:
    return payouts.put_settings(api.rt(), api.principal(), committee_id, body)


@app.get("/api/admin/programmes/<programme_id>/payout-calendar")
def handle_get_payout_calendar(programme_id: str) -> CalendarView:
    return payouts.calendar_view(api.rt(), api.principal(), programme_id)


@app.put("/api/admin/programmes/<programme_id>/payout-calendar")
def handle_put_payout_calendar(programme_id: str, body: CalendarSettings) -> CalendarView:
    return payouts.put_calendar(api.rt(), api.principal(), programme_id, body)


@app.get("/api/admin/payout-runs")
def handle_list_payout_runs(
    committee_id: Annotated[str | None, Query(max_length=20)] = None,
) -> RunList:
    return payouts.list_runs(api.rt(), api.principal(), committee_id)


@app.post("/api/admin/payout-runs")
def handle_confirm_payout_run(body: RunRequest) -> RunView:
    return payouts.confirm(api.rt(), api.principal(), body)


@app.get("/api/admin/payout-runs/<run_id>")
def handle_get_payout_run(run_id: str) -> RunView:
    return payouts.get_run(api.rt(), api.principal(), run_id)


@app.post("/api/admin/payout-runs/<run_id>/paid")
def handle_mark_payout_run_paid(run_id: str, body: PaidRequest) -> RunView:
    return payouts.mark_paid(api.rt(), api.principal(), run_id, body)


@app.post("/api/admin/payout-runs/<run_id>/cancel")
def handle_cancel_payout_run(run_id: str) -> RunView:
    return payouts.cancel_run(api.rt(), api.principal(), run_id)


@app.get("/api/admin/payout-runs/<run_id>/zengin")
def handle_payout_transfer_file(run_id: str):  # type: ignore[no-untyped-def]  # Shift_JIS bytes: no JSON validation of the body
    name, content = payouts.transfer_file(api.rt(), api.principal(), run_id)
    return Response(
        status_code=200,
        content_type="text/plain; charset=Shift_JIS",
        body=content,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _download(name: str, media: str, content: bytes) -> Response[Any]:
    return Response(
        status_code=200,
        content_type=media,
        body=content,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@app.get("/api/admin/payout-runs/<run_id>/list.csv")
def handle_payout_list_csv(run_id: str):  # type: ignore[no-untyped-def]  # a file: no JSON validation of the body
    return _download(*statements.payout_list(api.rt(), api.principal(), run_id, "csv"))


@app.get("/api/admin/payout-runs/<run_id>/list.xlsx")
def handle_payout_list_xlsx(run_id: str):  # type: ignore[no-untyped-def]  # a file: no JSON validation of the body
    return _download(*statements.payout_list(api.rt(), api.principal(), run_id, "xlsx"))


@app.get("/api/admin/payout-runs/<run_id>/statements/<company_id>")
def handle_payout_statement(run_id: str, company_id: str):  # type: ignore[no-untyped-def]  # a PDF
    name, content = statements.statement_pdf(api.rt(), api.principal(), run_id, company_id)
    return _download(name, "application/pdf", content)


# --- card wallets (カード型, issue 16) ---------------------------------------------------
@app.post("/api/admin/cards")
def handle_issue_card(body: CardIssueRequest) -> CardSheet:
    return cards.issue(api.rt(), api.principal(), body)


@app.post("/api/admin/cards/batch")
def handle_issue_cards(body: CardBatchRequest) -> CardSheet:
    return cards.issue_batch(api.rt(), api.principal(), body)


@app.get("/api/admin/cards/<card_number>")
def handle_get_card(card_number: str) -> CardDetail:
    return cards.detail(api.rt(), api.principal(), card_number)


@app.post("/api/admin/cards/<card_number>/block")
def handle_block_card(card_number: str) -> CardDetail:
    return cards.block(api.rt(), api.principal(), card_number)


@app.post("/api/admin/cards/<card_number>/unblock")
def handle_unblock_card(card_number: str) -> CardDetail:
    return cards.unblock(api.rt(), api.principal(), card_number)


@app.post("/api/admin/cards/<card_number>/unlock")
def handle_unlock_card_pin(card_number: str) -> CardDetail:
    return cards.unlock(api.rt(), api.principal(), card_number)


@app.post("/api/admin/cards/<card_number>/reissue")
def handle_reissue_card(card_number: str, body: CardReissueRequest) -> CardSheet:
    return cards.reissue(api.rt(), api.principal(), card_number, body)


@app.post("/api/admin/cards/<card_number>/link")
def handle_link_card_to_app(card_number: str, body: CardLinkRequest) -> CardDetail:
    return cards.link(api.rt(), api.principal(), card_number, body)


@app.get("/api/admin/committees/<committee_id>/card-settings")
def handle_get_card_settings(committee_id: str) -> CardSettingsView:
    return cards.settings(api.rt(), api.principal(), committee_id)


@app.put("/api/admin/committees/<committee_id>/card-settings")
def handle_update_card_settings(committee_id: str, body: CardSettings) -> CardSettingsView:
    return cards.update_settings(api.rt(), api.principal(), committee_id, body)


# --- resident lists (住民名簿) ------------------------------------------------------------
@app.get("/api/admin/programmes/<programme_id>/residents")
def handle_get_residents(programme_id: str) -> ResidentListView:
    return residents.status(api.rt(), api.principal(), programme_id)


@app.post("/api/admin/programmes/<programme_id>/residents")
def handle_upload_residents(programme_id: str) -> ResidentUploadView:
    file_name = api.current().request.headers.get("x-file-name")
    return residents.upload(api.rt(), api.principal(), programme_id, api.raw_body(), file_name)


@app.get("/api/admin/programmes/<programme_id>/resident-uploads")
def handle_list_resident_uploads(programme_id: str) -> ResidentUploadList:
    return residents.list_uploads(api.rt(), api.principal(), programme_id)


@app.get("/api/admin/programmes/<programme_id>/resident-uploads/<job_id>")
def handle_get_resident_upload(programme_id: str, job_id: str) -> ResidentUploadView:
    return residents.get_upload(api.rt(), api.principal(), programme_id, job_id)


@app.post("/api/admin/programmes/<programme_id>/residents/search")
def handle_search_residents(programme_id: str, body: ResidentSearch) -> ResidentSearchResult:
    return residents.search(api.rt(), api.principal(), programme_id, body)


@app.get("/api/admin/programmes/<programme_id>/sale")
def handle_get_sale(programme_id: str) -> SaleView:
    return sale.get(api.rt(), api.principal(), programme_id)


@app.put("/api/admin/programmes/<programme_id>/sale")
def handle_update_sale(programme_id: str, body: SaleSettings) -> SaleView:
    return sale.update(api.rt(), api.principal(), programme_id, body)


@app.post("/api/admin/programmes/<programme_id>/draw")
def handle_draw(programme_id: str, body: DrawRequest) -> SaleView:
    return sale.draw(api.rt(), api.principal(), programme_id, body)


@app.post("/api/admin/programmes/<programme_id>/applications")
def handle_paper_application(programme_id: str, body: PaperApplication) -> ApplicationView:
    return sale.paper_application(api.rt(), api.principal(), programme_id, body)


@app.post("/api/admin/programmes/<programme_id>/sale/close")
def handle_sale_close(programme_id: str) -> SaleView:
    return sale.close(api.rt(), api.principal(), programme_id)


@app.post("/api/admin/programmes/<programme_id>/second-round")
def handle_second_round(programme_id: str, body: SecondRoundRequest) -> SaleView:
    return sale.second_round(api.rt(), api.principal(), programme_id, body)


@app.post("/api/admin/programmes/<programme_id>/notify")
def handle_sale_notify(programme_id: str) -> JobView:
    return sale.notify(api.rt(), api.principal(), programme_id)


@app.get("/api/admin/programmes/<programme_id>/sale-jobs")
def handle_sale_jobs(programme_id: str) -> SaleJobList:
    return sale.list_jobs(api.rt(), api.principal(), programme_id)


@app.get("/api/admin/programmes/<programme_id>/applications.csv")
def handle_applications_csv(programme_id: str):  # type: ignore[no-untyped-def]  # a file: no JSON validation of the body
    return _download(*sale.applications_csv(api.rt(), api.principal(), programme_id))


@app.post("/api/admin/programmes/<programme_id>/deposits")
def handle_upload_deposits(programme_id: str) -> DepositUpload:
    return deposits.upload(api.rt(), api.principal(), programme_id, api.raw_body())


@app.get("/api/admin/programmes/<programme_id>/deposits")
def handle_list_deposits(programme_id: str) -> DepositUploadList:
    return deposits.list_uploads(api.rt(), api.principal(), programme_id)


@app.post("/api/admin/programmes/<programme_id>/redemption-codes")
def handle_redemption_codes(programme_id: str, format: Annotated[str, Query(max_length=8)] = "pdf"):  # type: ignore[no-untyped-def]  # a CSV body in, a file out
    return _download(*redemption.sheet(api.rt(), api.principal(), programme_id, api.raw_body(), format))


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return api.serve(app, event, context, runtime.get(ProgrammeConfig))
