"""Request and response models of the admin function's routes."""

from typing import Literal, Self

from pydantic import Field, model_validator

from shoken.console_models import BalanceLine, JobView, ResidentFields
from shoken.entities import (  # noqa: F401  (re-exported: the admin routes' request models)
    EMAIL_PATTERN,
    PHONE,
    CompanyCreate,
    CompanyFields,
    ScopeNames,
    StoreCreate,
    StoreFields,
    TerminalCreate,
    TerminalFields,
    UserCreateRequest,
)
from shoken.history_models import WalletLine
from shoken.status import Status
from shoken.validation import BodyInt, Day, EmailCode, IsoDate, Line, Lines, QueryInt, Schema, WalletId


class Paged(Schema):
    """The paging of a 一覧 screen's search: the signed cursor of the page to read, and its size."""

    cursor: str | None = Field(default=None, max_length=2000)
    page_size: QueryInt = Field(default=50, ge=1, le=200)


class Page(Schema):
    """One page of a 一覧: its rows (`items`, declared by each list) and the cursor of the next page
    (None on the last). Not a generic `Page[Row]`: parametrizing a generic model costs pydantic
    about ten times a plain class, a cold start paid for every list (issue 19)."""

    next_cursor: str | None = None


class Option(Schema):
    value: str
    label: str
    parent: str | None = None  # committee of a company, company of a store


class OptionsResponse(Schema):
    roles: list[Option]
    committees: list[Option]
    companies: list[Option]
    stores: list[Option]


class UserUpdateRequest(Schema):
    """氏名・備考の修正. The email may be sent unchanged; a new one goes through EmailChangeRequest."""

    name: Line = Field(min_length=1, max_length=60)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    note: Lines | None = Field(default=None, max_length=500)


class EmailChangeRequest(Schema):
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    current_password: str = Field(min_length=1, max_length=128)  # the caller's own password


class EmailChangeStarted(Schema):
    message: str
    new_email: str
    minutes: int


class EmailChangeConfirm(Schema):
    code: EmailCode


class UserView(ScopeNames):
    user_id: str
    login_id: str
    name: str
    email: str
    role: str
    role_label: str
    note: str | None = None
    locked: bool
    status: str
    status_label: str
    must_change_password: bool
    created_at: str
    pending_email: str | None = None  # an email change this caller started, waiting for its code


class UserList(Page):
    items: list[UserView]


class Done(Schema):
    message: str


class AuditEntry(Schema):
    at: str
    action: str
    action_label: str
    actor: dict[str, str]
    target_type: str | None = None
    target_id: str | None = None
    committee_id: str | None = None
    company_id: str | None = None
    store_id: str | None = None
    detail: dict[str, object] = Field(default_factory=dict)
    source_ip: str | None = None
    target_label: str = ""  # 「店舗 1000001」
    detail_label: str = ""  # the detail in Japanese, as 監査ログ shows it


class AuditList(Page):
    items: list[AuditEntry]
    actions: dict[str, str] = Field(default_factory=dict)  # code → 操作名, for the filter


class UserSearch(Paged):
    """管理ユーザ一覧の検索条件 (the manual's fields)."""

    user_id: str | None = Field(default=None, max_length=20)
    login_id: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=254)
    role: str | None = Field(default=None, max_length=30)
    locked: Literal["", "locked", "unlocked"] = ""
    status: Literal["", Status.ACTIVE, Status.SUSPENDED] = ""
    committee: str | None = Field(default=None, max_length=60)
    issuer: str | None = Field(default=None, max_length=60)  # バリューイシュア
    service: str | None = Field(default=None, max_length=60)  # ウォレットサービス
    company: str | None = Field(default=None, max_length=60)
    store: str | None = Field(default=None, max_length=60)


class AuditSearch(Paged):
    date_from: IsoDate
    date_to: IsoDate
    action: str | None = Field(default=None, max_length=40)
    committee_id: str | None = Field(default=None, max_length=20)


class CompanyUpdate(CompanyFields):
    status: Literal[Status.ACTIVE, Status.SUSPENDED] = Status.ACTIVE


class CompanyView(Schema):
    company_id: str
    committee_id: str
    name: str
    name_kana: str | None = None
    phone: str | None = None
    address: str | None = None
    representative: str | None = None
    external_company_id: str | None = None
    status: str
    status_label: str
    created_at: str
    updated_at: str


class CompanySearch(Paged):
    company_id: str | None = Field(default=None, max_length=20)
    name: str | None = Field(default=None, max_length=100)
    status: Literal["", Status.ACTIVE, Status.SUSPENDED] = ""
    committee_id: str | None = Field(default=None, max_length=20)


class CompanyList(Page):
    items: list[CompanyView]


class StoreUpdate(StoreFields):
    status: Literal[Status.ACTIVE, Status.SUSPENDED] = Status.ACTIVE


class StoreDetailsUpdate(Schema):
    """What a 企業管理者 keeps up to date for their own stores (the rest is the committee's)."""

    phone: str = Field(pattern=PHONE)
    address: str | None = Field(default=None, max_length=200)
    area: str | None = Field(default=None, max_length=40)
    latitude: float | None = Field(default=None, ge=20, le=46)
    longitude: float | None = Field(default=None, ge=122, le=154)


class StoreView(Schema):
    store_id: str
    company_id: str
    company_name: str | None = None
    committee_id: str
    name: str
    phone: str | None = None
    address: str | None = None
    area: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    large: bool
    voucher_types: str
    external_store_id: str | None = None
    external_service_name: str | None = None
    status: str
    status_label: str
    created_at: str
    updated_at: str


class StoreSearch(Paged):
    store_id: str | None = Field(default=None, max_length=20)
    name: str | None = Field(default=None, max_length=100)
    company: str | None = Field(default=None, max_length=100)
    large: Literal["", "yes", "no"] = ""
    status: Literal["", Status.ACTIVE, Status.SUSPENDED] = ""
    external_store_id: str | None = Field(default=None, max_length=40)


class StoreList(Page):
    items: list[StoreView]


class TerminalUpdate(TerminalFields):
    status: Literal[Status.ACTIVE, Status.SUSPENDED] = Status.ACTIVE


class TerminalView(Schema):
    terminal_id: str
    device_name: str | None = None
    company_id: str
    company_name: str | None = None
    store_id: str
    store_name: str | None = None
    password: str
    use_type: str
    external_terminal_id: str | None = None
    external_service_name: str | None = None
    status: str
    status_label: str
    bound: bool
    bound_at: str | None = None
    bound_device: str | None = None  # 「iPhone (Safari)」: the device the terminal was last set up on
    setup_locked: bool
    created_at: str
    updated_at: str


class TerminalSearch(Paged):
    terminal_id: str | None = Field(default=None, max_length=20)
    store: str | None = Field(default=None, max_length=100)
    company: str | None = Field(default=None, max_length=100)
    external_terminal_id: str | None = Field(default=None, max_length=40)
    status: Literal["", Status.ACTIVE, Status.SUSPENDED] = ""


class TerminalList(Page):
    items: list[TerminalView]


class AppUserSearch(Paged):
    wallet_id: str | None = Field(default=None, max_length=20)
    external_user_id: str | None = Field(default=None, max_length=60)
    email: str | None = Field(default=None, max_length=254)
    card_number: str | None = Field(default=None, max_length=24)
    status: Literal["", Status.ACTIVE, Status.SUSPENDED, Status.BLOCKED, Status.REPLACED, Status.MOVED] = ""
    committee_id: str | None = Field(default=None, max_length=20)


class AppUserView(Schema):
    wallet_id: str
    committee_id: str
    email: str
    external_user_id: str | None = None
    card_number: str | None = None  # set for a card wallet (no email)
    status: str
    status_label: str
    balance: int
    created_at: str


class AppUserDetail(AppUserView):
    balances: list[BalanceLine]
    recent: list[WalletLine]
    # issue 23.2: the reasons one of which must be given before the whole address is shown
    personal_reasons: dict[str, str] = Field(default_factory=lambda: _personal_reasons())


def _personal_reasons() -> dict[str, str]:
    from shoken import privacy  # on the first such answer, not at import (the cold start, issue 19)

    return dict(privacy.REASONS)


class AppUserList(Page):
    items: list[AppUserView]


class JobList(Schema):
    items: list[JobView]


class BulkSpecView(Schema):
    spec: str
    label: str
    columns: list[str]
    notes: list[str] = Field(default_factory=list)


class BulkSpecs(Schema):
    specs: list[BulkSpecView]


class ProgrammeFields(Schema):
    name: Line = Field(min_length=1, max_length=100)
    unit_price: BodyInt = Field(ge=1, le=1_000_000)
    unit_value: BodyInt = Field(ge=1, le=2_000_000)
    common_share: BodyInt = Field(ge=0, le=2_000_000)
    dedicated_share: BodyInt = Field(ge=0, le=2_000_000)
    sale_start: Day
    sale_end: Day
    use_start: Day
    use_end: Day
    limit_units: BodyInt = Field(ge=1, le=100)
    # 失効お知らせメール: how many days before the value lapses residents are emailed (SPEC §12).
    reminder_days: list[BodyInt] = Field(default_factory=lambda: [30, 7], max_length=4)

    @model_validator(mode="after")
    def _makes_sense(self) -> Self:
        problems = []
        if any(not 1 <= d <= 180 for d in self.reminder_days) or len(set(self.reminder_days)) != len(
            self.reminder_days
        ):
            problems.append(
                ("reminder_days", "失効お知らせメールの日数は1〜180日の異なる日数で、4つまで指定してください。")
            )
        if self.common_share + self.dedicated_share != self.unit_value:
            problems.append(("common_share", "共通券と専用券の額の合計が、1冊あたりの額面と一致しません。"))
        if self.unit_value < self.unit_price:
            problems.append(("unit_value", "額面は販売価格以上にしてください。"))
        if self.sale_end < self.sale_start:
            problems.append(("sale_end", "販売期間の終了日が開始日より前です。"))
        if self.use_end < self.use_start:
            problems.append(("use_end", "利用期間の終了日が開始日より前です。"))
        if self.use_end < self.sale_end:
            problems.append(("use_end", "利用期間は販売期間の終了日以降まで設定してください。"))
        if (self.use_end - self.use_start).days > 366:
            problems.append(("use_end", "利用期間は1年以内にしてください。"))
        if problems:
            # Shown beside the form as one sentence per problem (shoken.validation turns it into reason_ja).
            raise ValueError(" / ".join(message for _, message in problems))
        return self


class ProgrammeCreate(ProgrammeFields):
    committee_id: str | None = Field(default=None, max_length=20)


class ProgrammeView(Schema):
    programme_id: str
    committee_id: str
    name: str
    unit_price: int
    unit_value: int
    common_share: int
    dedicated_share: int
    premium_label: str
    sale_start: str
    sale_end: str
    use_start: str
    use_end: str
    limit_units: int
    status: str
    reminder_days: list[int] = Field(default_factory=lambda: [30, 7])


class ProgrammeList(Schema):
    items: list[ProgrammeView]


class ChargeRequest(Schema):
    programme_id: str = Field(min_length=1, max_length=20)
    units: BodyInt = Field(ge=1, le=100)
    wallet_id: WalletId | None = None
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    qr: str | None = Field(default=None, max_length=200)
    card_number: str | None = Field(default=None, max_length=24)  # a card wallet's number
    # 抽選販売: the person at the counter, matched against the list (a paper winner has no wallet of his own)
    resident: ResidentFields | None = None
    idempotency_key: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")


class ChargeResult(Schema):
    number: str
    wallet_id: str
    email: str
    card_number: str | None = None  # a card wallet's number (it has no email)
    programme_name: str
    units: int
    price: int
    amount: int
    occurred_at: str
    balance_after: int


class Cancelled(Schema):
    number: str
    cancel_number: str
    message: str


class GrantRequest(Schema):
    programme_id: str = Field(min_length=1, max_length=20)
    name: Line = Field(min_length=1, max_length=60)
    campaign_name: Line | None = Field(default=None, max_length=60)
    amount: BodyInt = Field(ge=1, le=1_000_000)
    voucher_type: Literal["common", "dedicated"] = "common"
    wallet_ids: list[WalletId] | None = Field(default=None, max_length=10_000)
    # One key per press of 付与: a retry (a lost answer, a reload, a second click) finds the first job.
    idempotency_key: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")


# --- the committee's contact and notices (お問い合わせ先 / お知らせ) -----------------------------------------
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\n\t"} | {"\x7f"}


class NoticeFields(Schema):
    """A notice as the committee writes it: plain text (links are made clickable when shown, safely)."""

    committee_id: str | None = Field(default=None, max_length=10)  # the system admin chooses; others: their own
    title: Line = Field(max_length=100)
    body: Lines = Field(max_length=4000)
    start_date: Day
    end_date: Day
    audience: str = Field(max_length=20)
    programme_id: str | None = Field(default=None, max_length=20)
    area: str | None = Field(default=None, max_length=40)

    @model_validator(mode="after")
    def _makes_sense(self) -> Self:
        self.title = self.title.strip()
        self.body = self.body.replace("\r\n", "\n").strip()
        problems = []
        if not self.title:
            problems.append("件名を入力してください。")
        if not self.body:
            problems.append("本文を入力してください。")
        if any(ch in _CONTROL for ch in self.title + self.body):
            problems.append("件名・本文に使用できない制御文字が含まれています。")
        if self.end_date < self.start_date:
            problems.append("掲載終了日が掲載開始日より前です。")
        if (self.end_date - self.start_date).days > 366:
            problems.append("掲載期間は1年以内にしてください。")
        if problems:
            raise ValueError(" / ".join(problems))
        return self


class NoticeView(Schema):
    notice_id: str
    committee_id: str
    title: str
    body: str
    start_date: str
    end_date: str
    audience: str
    audience_label: str
    programme_id: str | None = None
    area: str | None = None
    status: str
    status_label: str
    editable: bool
    created_at: str
    updated_at: str


class NoticeAdminList(Schema):
    items: list[NoticeView]
    areas: list[str]  # the store areas (地区) an "area" notice may name


class NoticeAdminQuery(Schema):
    committee_id: str | None = Field(default=None, max_length=10)


SERVICE_ID = r"^[a-z0-9][a-z0-9-]{2,39}$"


class CommitteeFields(Schema):
    """アクワイアラ (a city's voucher committee) as the system admin registers it."""

    name: Line = Field(min_length=1, max_length=100)
    city: str = Field(min_length=1, max_length=40)
    issuer_name: Line | None = Field(default=None, max_length=100)  # バリューイシュア; the committee if empty
    wallet_service_name: Line = Field(min_length=1, max_length=60)
    external_acquirer_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")
    # お問い合わせ先: with the name, shown in every app's footer and sign-in screen (the one place to edit it)
    contact_phone: str | None = Field(default=None, pattern=PHONE)
    contact_hours: str | None = Field(default=None, max_length=60)


class CommitteeCreate(CommitteeFields):
    # The wallet's address names it (/wallet/?s=...): lower-case letters, digits and hyphens.
    wallet_service_id: str = Field(pattern=SERVICE_ID)


class CommitteeView(Schema):
    committee_id: str
    name: str
    city: str
    issuer_name: str
    wallet_service_id: str
    wallet_service_name: str
    external_acquirer_id: str | None = None
    contact_phone: str | None = None
    contact_hours: str | None = None


class CommitteeList(Schema):
    items: list[CommitteeView]
