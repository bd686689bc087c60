"""Request and response models of the payout routes (振込先口座)."""

from typing import Literal

from pydantic import Field

from shoken.payout_account import PayoutAccountInput  # noqa: F401  (re-exported request model)
from shoken.payout_calendar import CalendarSettings
from shoken.status import PayoutState
from shoken.validation import Day, Schema


class PayoutAccountView(Schema):
    owner_type: Literal["store", "company"]
    owner_id: str
    owner_name: str
    registered: bool
    payout_by: Literal["store", "company"]  # the company's choice: who is paid
    paid_here: bool  # this account is the one transfers go to
    bank_code: str | None = None
    bank_name: str | None = None
    branch_code: str | None = None
    branch_name: str | None = None
    account_type: str | None = None
    account_type_label: str | None = None
    account_number: str | None = None
    holder_kana: str | None = None
    updated_at: str | None = None
    may_edit: bool


class PayoutByRequest(Schema):
    payout_by: Literal["store", "company"]


class BankNames(Schema):
    bank_code: str
    bank_name: str
    branch_code: str | None = None
    branch_name: str | None = None


# --- committee settings (委託者) and programme calendars ----------------------------------------------
class PayoutSettingsInput(Schema):
    consignor_code: str = Field(pattern=r"^[0-9]{10}$")  # 委託者コード, given by the committee's bank
    consignor_name: str = Field(min_length=1, max_length=80)  # 委託者名 (カナ)
    bank_code: str = Field(min_length=1, max_length=8)
    branch_code: str = Field(min_length=1, max_length=8)
    account_type: Literal["ordinary", "current"] = "ordinary"
    account_number: str = Field(min_length=1, max_length=16)


class PayoutSettingsView(Schema):
    committee_id: str
    registered: bool
    consignor_code: str | None = None
    consignor_kana: str | None = None
    bank_code: str | None = None
    bank_name: str | None = None
    branch_code: str | None = None
    branch_name: str | None = None
    account_type: str | None = None
    account_type_label: str | None = None
    account_number: str | None = None
    updated_at: str | None = None


class PeriodView(Schema):
    start: str
    end: str
    pay_date: str
    label: str
    closed: bool
    run_id: str | None = None
    run_state: str | None = None


class CalendarView(CalendarSettings):
    programme_id: str
    programme_name: str
    cutoff_labels: list[str]
    fee_label: str
    rounding: str
    periods: list[PeriodView]


# --- runs (精算確定) -----------------------------------------------------------------------------------
class RunRequest(Schema):
    programme_id: str = Field(min_length=1, max_length=20)
    period_end: Day


class PaidRequest(Schema):
    paid_on: Day


class StoreLine(Schema):
    store_id: str
    store_name: str
    voucher_type: str
    voucher_type_label: str
    payment_count: int
    payment_amount: int
    cancel_count: int
    cancel_amount: int
    net: int


class PayeeLine(Schema):
    payee: str
    payee_type: Literal["store", "company"]
    payee_id: str
    payee_name: str
    company_id: str
    company_name: str
    stores: list[StoreLine]
    period_net: int
    carry_in: int
    gross: int
    fee: int
    transfer: int
    carry_out: int
    status: Literal["transfer", "no_account", "not_positive"]
    status_label: str
    bank_label: str | None = None
    account_masked: str | None = None
    holder_kana: str | None = None


class RunView(Schema):
    run_id: str
    committee_id: str
    programme_id: str
    programme_name: str
    period_start: str
    period_end: str
    period_label: str
    pay_date: str
    state: PayoutState
    state_label: str
    fee_bps: int
    payee_count: int
    transfer_count: int
    transfer_total: int
    fee_total: int
    missing: list[dict[str, str | int]]
    confirmed_at: str
    paid_on: str | None = None
    cancelled_at: str | None = None
    created: bool = False  # this request made the run (False: it existed already)
    lines: list[PayeeLine] = []  # noqa: RUF012 - a pydantic field (Schema is a BaseModel): pydantic copies the default


class RunList(Schema):
    items: list[RunView]
