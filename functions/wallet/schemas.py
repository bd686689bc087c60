"""Request and response models of the wallet function's routes."""

from typing import Literal

from pydantic import Field

from shoken.history_models import WalletLine
from shoken.validation import BodyInt, Schema


class BalanceLine(Schema):
    voucher_type: str
    voucher_type_label: str
    expires_on: str
    programme_id: str
    programme_name: str | None = None
    balance: int


class Home(Schema):
    wallet_id: str
    service_name: str
    balance: int  # ご利用可能金額: everything spendable today (共通券 + 専用券)
    common: int
    dedicated: int
    lines: list[BalanceLine]
    pending: int  # bought but not yet in its usage period


class QrIssued(Schema):
    poll_id: str
    token: str
    image: str  # PNG data URL
    valid_until: int  # epoch seconds
    ttl_seconds: int


class PaymentDone(Schema):
    number: str
    amount: int
    store_name: str
    occurred_at: str
    balance_after: int
    method: str


class QrState(Schema):
    state: Literal["waiting", "paid", "expired"]
    valid_until: int
    payment: PaymentDone | None = None


class HistoryPage(Schema):
    items: list[WalletLine]
    next_cursor: str | None = None


class HistoryQuery(Schema):
    cursor: str | None = Field(default=None, max_length=2000)


class StoreQuery(Schema):
    name: str | None = Field(default=None, max_length=60)
    area: str | None = Field(default=None, max_length=40)
    cursor: str | None = Field(default=None, max_length=2000)


class StoreLine(Schema):
    store_id: str
    name: str
    area: str | None = None
    address: str | None = None
    phone: str | None = None
    large: bool
    vouchers: str  # 共通券のみ / 共通券・専用券


class StorePage(Schema):
    items: list[StoreLine]
    areas: list[str]
    next_cursor: str | None = None


class MpmView(Schema):
    request_id: str
    store_name: str
    amount: int
    state: Literal["open", "paid", "expired"]
    valid_until: int


class MpmPay(Schema):
    idempotency_key: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")


# --- applying in the wallet (申込, issue 15) ----------------------------------------------
class WalletSale(Schema):
    programme_id: str
    programme_name: str
    apply_start: str
    apply_end: str
    limit_units: int
    open: bool  # today is inside the 申込期間
    eligible: bool
    applied_units: int = 0  # 0: no application
    result: Literal["won", "lost"] | None = None  # after the draw: 当選 / 落選
    won_units: int = 0
    purchased_units: int = 0  # of the units won, bought so far (店頭チャージ)
    purchase_end: str | None = None  # 購入期限 of a winner
    lapsed: bool = False  # 当選 units not bought by the deadline went to the second round
    second_round_units: int = 0  # 二次抽選で当選した冊数
    second_round_purchased: int = 0
    second_round_end: str | None = None  # 二次抽選の購入期限
    payment_reference: str | None = None  # 振込依頼人コード of a winner (bank transfer)
    amount_due: int = 0  # what is left to pay for the units won (yen)


class EligibilityRequest(Schema):
    resident_key: str = Field(min_length=1, max_length=40)
    name_kana: str = Field(min_length=1, max_length=120)
    birth_date: str = Field(min_length=1, max_length=20)


class ApplicationRequest(Schema):
    units: BodyInt = Field(ge=1, le=100)


class RedeemRequest(Schema):
    code: str = Field(min_length=1, max_length=40)  # 引換コード as printed (hyphens, spaces, full-width allowed)


class WalletSales(Schema):
    items: list[WalletSale]  # the committee's programmes sold by application
