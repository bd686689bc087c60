"""HTTP entry point of the admin function (routes of area "admin" in shoken.routes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from admin.schemas import (
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
    EmailChangeConfirm,
    EmailChangeRequest,
    EmailChangeStarted,
    GrantRequest,
    JobList,
    NoticeAdminList,
    NoticeAdminQuery,
    NoticeFields,
    NoticeView,
    OptionsResponse,
    ProgrammeCreate,
    ProgrammeFields,
    ProgrammeList,
    ProgrammeView,
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
from shoken.console_models import JobView
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
        cities,
        email_change,
        grants,
        merchants,
        notices,
        privacy,
        programmes,
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


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return api.serve(app, event, context, runtime.get(AdminConfig))
