"""HTTP entry point of the admin function (routes of area "admin" in shoken.routes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from admin.card_schemas import (
    CardBatchRequest,
    CardDetail,
    CardIssueRequest,
    CardLinkRequest,
    CardReissueRequest,
    CardSettings,
    CardSettingsView,
    CardSheet,
)
from admin.payout_schemas import (
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
from admin.schemas import (
    ApplicationView,
    AppUserDetail,
    AppUserList,
    AppUserSearch,
    AuditList,
    AuditSearch,
    BulkSpecs,
    Cancelled,
    ChargeRequest,
    ChargeResult,
    CommitteeCreate,
    CommitteeFields,
    CommitteeList,
    CommitteeView,
    CompanyCreate,
    CompanyList,
    CompanySearch,
    CompanyUpdate,
    CompanyView,
    DepositUpload,
    DepositUploadList,
    DrawRequest,
    EmailChangeConfirm,
    EmailChangeRequest,
    EmailChangeStarted,
    GrantRequest,
    JobList,
    JobView,
    NoticeAdminList,
    NoticeAdminQuery,
    NoticeFields,
    NoticeView,
    OptionsResponse,
    PaperApplication,
    ProgrammeCreate,
    ProgrammeFields,
    ProgrammeList,
    ProgrammeView,
    ResidentListView,
    ResidentSearch,
    ResidentSearchResult,
    ResidentUploadList,
    ResidentUploadView,
    SaleJobList,
    SaleSettings,
    SaleView,
    SecondRoundRequest,
    StoreCreate,
    StoreDetailsUpdate,
    StoreList,
    StoreSearch,
    StoreUpdate,
    StoreView,
    TerminalCreate,
    TerminalList,
    TerminalSearch,
    TerminalUpdate,
    TerminalView,
    UserCreateRequest,
    UserList,
    UserSearch,
    UserUpdateRequest,
    UserView,
)
from shoken import api, runtime
from shoken.api import Query, Response
from shoken.config import AdminConfig
from shoken.observability import http_entry
from shoken.status import Status

if TYPE_CHECKING:  # only the annotations name it: the runtime import costs a cold start about 5 ms (issue 19)
    from aws_lambda_powertools.utilities.typing import LambdaContext

# The route modules run on the first request of one of their routes (issue 19).
with api.deferred("admin", "shoken"):
    from admin import (
        app_users,
        audit_log,
        bulk_uploads,
        cards,
        cities,
        deposits,
        email_change,
        grants,
        merchants,
        notices,
        payout_accounts,
        payouts,
        privacy,
        programmes,
        redemption,
        residents,
        sale,
        statements,
        users,
    )
    from shoken import sheets

app = api.make_resolver()


@app.get("/api/admin/options")
def handle_get_options() -> OptionsResponse:
    return users.options(api.rt(), api.principal())


@app.get("/api/admin/users")
def handle_search_users(query: Annotated[UserSearch, Query()]) -> UserList:
    return users.search(api.rt(), api.principal(), query)


@app.post("/api/admin/users")
def handle_create_user(body: UserCreateRequest) -> UserView:
    return users.create(api.rt(), api.principal(), body)


@app.get("/api/admin/users/<user_id>")
def handle_get_user(user_id: str) -> UserView:
    return users.get(api.rt(), api.principal(), user_id)


@app.put("/api/admin/users/<user_id>")
def handle_update_user(user_id: str, body: UserUpdateRequest) -> UserView:
    return users.update(api.rt(), api.principal(), user_id, body)


@app.post("/api/admin/users/<user_id>/email")
def handle_start_email_change(user_id: str, body: EmailChangeRequest) -> EmailChangeStarted:
    return email_change.start(api.rt(), api.principal(), user_id, body)


@app.post("/api/admin/users/<user_id>/email/confirm")
def handle_confirm_email_change(user_id: str, body: EmailChangeConfirm) -> UserView:
    return email_change.confirm(api.rt(), api.principal(), user_id, body)


@app.post("/api/admin/users/<user_id>/unlock")
def handle_unlock_user(user_id: str) -> UserView:
    return users.unlock(api.rt(), api.principal(), user_id)


@app.post("/api/admin/users/<user_id>/suspend")
def handle_suspend_user(user_id: str) -> UserView:
    return users.set_status(api.rt(), api.principal(), user_id, Status.SUSPENDED)


@app.post("/api/admin/users/<user_id>/resume")
def handle_resume_user(user_id: str) -> UserView:
    return users.set_status(api.rt(), api.principal(), user_id, Status.ACTIVE)


@app.get("/api/admin/audit")
def handle_search_audit(query: Annotated[AuditSearch, Query()]) -> AuditList:
    return audit_log.search(api.rt(), api.principal(), query)


@app.get("/api/admin/committees")
def handle_list_committees() -> CommitteeList:
    return cities.search(api.rt(), api.principal())


@app.post("/api/admin/committees")
def handle_create_committee(body: CommitteeCreate) -> CommitteeView:
    return cities.create(api.rt(), api.principal(), body)


@app.get("/api/admin/committees/<committee_id>")
def handle_get_committee(committee_id: str) -> CommitteeView:
    return cities.get(api.rt(), api.principal(), committee_id)


@app.put("/api/admin/committees/<committee_id>")
def handle_update_committee(committee_id: str, body: CommitteeFields) -> CommitteeView:
    return cities.update(api.rt(), api.principal(), committee_id, body)


@app.get("/api/admin/companies")
def handle_search_companies(query: Annotated[CompanySearch, Query()]) -> CompanyList:
    return merchants.search_companies(api.rt(), api.principal(), query)


@app.post("/api/admin/companies")
def handle_create_company(body: CompanyCreate) -> CompanyView:
    return merchants.create_company(api.rt(), api.principal(), body)


@app.get("/api/admin/companies/<company_id>")
def handle_get_company(company_id: str) -> CompanyView:
    return merchants.get_company(api.rt(), api.principal(), company_id)


@app.put("/api/admin/companies/<company_id>")
def handle_update_company(company_id: str, body: CompanyUpdate) -> CompanyView:
    return merchants.update_company(api.rt(), api.principal(), company_id, body)


@app.get("/api/admin/stores")
def handle_search_stores(query: Annotated[StoreSearch, Query()]) -> StoreList:
    return merchants.search_stores(api.rt(), api.principal(), query)


@app.post("/api/admin/stores")
def handle_create_store(body: StoreCreate) -> StoreView:
    return merchants.create_store(api.rt(), api.principal(), body)


@app.get("/api/admin/stores/<store_id>")
def handle_get_store(store_id: str) -> StoreView:
    return merchants.get_store(api.rt(), api.principal(), store_id)


@app.put("/api/admin/stores/<store_id>")
def handle_update_store(store_id: str, body: StoreUpdate) -> StoreView:
    return merchants.update_store(api.rt(), api.principal(), store_id, body)


@app.put("/api/admin/stores/<store_id>/details")
def handle_update_store_details(store_id: str, body: StoreDetailsUpdate) -> StoreView:
    return merchants.update_store_details(api.rt(), api.principal(), store_id, body)


@app.get("/api/admin/terminals")
def handle_search_terminals(query: Annotated[TerminalSearch, Query()]) -> TerminalList:
    return merchants.search_terminals(api.rt(), api.principal(), query)


@app.post("/api/admin/terminals")
def handle_create_terminal(body: TerminalCreate) -> TerminalView:
    return merchants.create_terminal(api.rt(), api.principal(), body)


@app.get("/api/admin/terminals/<terminal_id>")
def handle_get_terminal(terminal_id: str) -> TerminalView:
    return merchants.get_terminal(api.rt(), api.principal(), terminal_id)


@app.put("/api/admin/terminals/<terminal_id>")
def handle_update_terminal(terminal_id: str, body: TerminalUpdate) -> TerminalView:
    return merchants.update_terminal(api.rt(), api.principal(), terminal_id, body)


@app.post("/api/admin/terminals/<terminal_id>/password")
def handle_regenerate_terminal_password(terminal_id: str) -> TerminalView:
    return merchants.regenerate_terminal_password(api.rt(), api.principal(), terminal_id)


@app.post("/api/admin/terminals/<terminal_id>/unbind")
def handle_unbind_terminal(terminal_id: str) -> TerminalView:
    return merchants.unbind_terminal(api.rt(), api.principal(), terminal_id)


@app.get("/api/admin/app-users")
def handle_search_app_users(query: Annotated[AppUserSearch, Query()]) -> AppUserList:
    return app_users.search(api.rt(), api.principal(), query)


@app.get("/api/admin/app-users/<wallet_id>")
def handle_get_app_user(wallet_id: str) -> AppUserDetail:
    return app_users.detail(api.rt(), api.principal(), wallet_id)


@app.post("/api/admin/app-users/<wallet_id>/suspend")
def handle_suspend_app_user(wallet_id: str) -> AppUserDetail:
    return app_users.set_status(api.rt(), api.principal(), wallet_id, Status.SUSPENDED)


@app.post("/api/admin/app-users/<wallet_id>/resume")
def handle_resume_app_user(wallet_id: str) -> AppUserDetail:
    return app_users.set_status(api.rt(), api.principal(), wallet_id, Status.ACTIVE)


# --- personal data (issue 23) ------------------------------------------------------
@app.post("/api/admin/app-users/search")
def handle_search_app_users_posted(body: AppUserSearch) -> AppUserList:
    return app_users.search(api.rt(), api.principal(), body)


@app.post("/api/admin/app-users/<wallet_id>/personal")
def handle_app_user_personal(wallet_id: str, body: privacy.PersonalAccess) -> privacy.PersonalView:
    return privacy.personal(api.rt(), api.principal(), wallet_id, body)


@app.post("/api/admin/app-users/<wallet_id>/disclosure")
def handle_app_user_disclosure(wallet_id: str, body: privacy.DisclosureRequest) -> privacy.DisclosureQueued:
    return privacy.disclose(api.rt(), api.principal(), wallet_id, body)


@app.post("/api/admin/app-users/<wallet_id>/erase")
def handle_app_user_erase(wallet_id: str, body: privacy.PersonalAccess) -> AppUserDetail:
    return privacy.erase(api.rt(), api.principal(), wallet_id, body)


@app.get("/api/admin/retention")
def handle_list_retention() -> privacy.RetentionList:
    return privacy.retention_list(api.rt(), api.principal())


@app.put("/api/admin/programmes/<programme_id>/retention")
def handle_set_retention(programme_id: str, body: privacy.RetentionSettings) -> privacy.RetentionView:
    return privacy.set_retention(api.rt(), api.principal(), programme_id, body)


@app.post("/api/admin/programmes/<programme_id>/retention/run")
def handle_run_retention(programme_id: str) -> privacy.RetentionView:
    return privacy.run_now(api.rt(), api.principal(), programme_id)


@app.get("/api/admin/bulk-specs")
def handle_get_bulk_specs() -> BulkSpecs:
    return bulk_uploads.specs(api.principal())


@app.get("/api/admin/bulk-specs/<spec>/template.csv")
def handle_get_bulk_template(spec: str) -> Response[bytes]:
    filename, body = bulk_uploads.template(api.principal(), spec)
    return Response(
        status_code=200,
        content_type=sheets.CSV_TYPE,
        body=body,
        headers={"Content-Disposition": sheets.attachment(filename)},
    )


@app.post("/api/admin/bulk-uploads")
def handle_upload_bulk(spec: Annotated[str, Query(max_length=20)]) -> JobView:
    file_name = api.current().request.headers.get("x-file-name")
    return bulk_uploads.upload(api.rt(), api.principal(), spec, api.raw_body(), file_name)


@app.get("/api/admin/bulk-uploads")
def handle_list_bulk_uploads() -> JobList:
    return bulk_uploads.list_own(api.rt(), api.principal())


@app.get("/api/admin/bulk-uploads/<job_id>")
def handle_get_bulk_upload(job_id: str) -> JobView:
    return bulk_uploads.get(api.rt(), api.principal(), job_id)


@app.get("/api/admin/programmes")
def handle_list_programmes() -> ProgrammeList:
    return programmes.list_visible(api.rt(), api.principal())


@app.post("/api/admin/programmes")
def handle_create_programme(body: ProgrammeCreate) -> ProgrammeView:
    return programmes.create(api.rt(), api.principal(), body)


@app.get("/api/admin/programmes/<programme_id>")
def handle_get_programme(programme_id: str) -> ProgrammeView:
    return programmes.get(api.rt(), api.principal(), programme_id)


@app.put("/api/admin/programmes/<programme_id>")
def handle_update_programme(programme_id: str, body: ProgrammeFields) -> ProgrammeView:
    return programmes.update(api.rt(), api.principal(), programme_id, body)


@app.post("/api/admin/charges")
def handle_store_charge(body: ChargeRequest) -> ChargeResult:
    return programmes.charge(api.rt(), api.principal(), body)


@app.post("/api/admin/charges/<number>/cancel")
def handle_cancel_charge(number: str) -> Cancelled:
    return programmes.cancel_charge(api.rt(), api.principal(), number)


@app.post("/api/admin/grants")
def handle_start_grant(body: GrantRequest) -> JobView:
    return grants.start(api.rt(), api.principal(), body)


@app.get("/api/admin/grants")
def handle_list_grants() -> JobList:
    return grants.list_for_committee(api.rt(), api.principal())


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


# --- お知らせ (the committee's contact is edited with the committee, PUT above) -------
@app.get("/api/admin/notices")
def handle_list_notices(query: Annotated[NoticeAdminQuery, Query()]) -> NoticeAdminList:
    return notices.list_for_committee(api.rt(), api.principal(), query)


@app.post("/api/admin/notices")
def handle_create_notice(body: NoticeFields) -> NoticeView:
    return notices.create(api.rt(), api.principal(), body)


@app.get("/api/admin/notices/<notice_id>")
def handle_get_notice(notice_id: str) -> NoticeView:
    return notices.get(api.rt(), api.principal(), notice_id)


@app.put("/api/admin/notices/<notice_id>")
def handle_update_notice(notice_id: str, body: NoticeFields) -> NoticeView:
    return notices.update(api.rt(), api.principal(), notice_id, body)


@app.get("/api/admin/reminders")
def handle_list_reminders() -> JobList:
    return notices.list_reminders(api.rt(), api.principal())


@app.post("/api/admin/notices/<notice_id>/withdraw")
def handle_withdraw_notice(notice_id: str) -> NoticeView:
    return notices.withdraw(api.rt(), api.principal(), notice_id)


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
    return api.serve(app, event, context, runtime.get(AdminConfig))
