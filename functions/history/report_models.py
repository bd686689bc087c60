"""Response models of the reports (集計)."""

from __future__ import annotations

from pydantic import Field

from shoken.db.dynamo import Item
from shoken.txn_types import TxnType
from shoken.validation import IsoDate, Schema


class TotalRow(Schema):
    key: str
    label: str
    payments: int = 0
    payment_count: int = 0
    cancels: int = 0
    cancel_count: int = 0
    charges: int = 0
    grants: int = 0
    lapses: int = 0
    other: int = 0
    net_payments: int = 0  # payments minus cancels: what the stores are owed

    def add(self, txn_type: TxnType, amount: int, count: int) -> None:
        if txn_type is TxnType.PAYMENT:
            self.payments += amount
            self.payment_count += count
        elif txn_type is TxnType.PAYMENT_CANCEL:
            self.cancels += amount
            self.cancel_count += count
        elif txn_type in (TxnType.STORE_CHARGE, TxnType.TRANSFER_CHARGE, TxnType.CHARGE):
            self.charges += amount
        elif txn_type is TxnType.CHARGE_CANCEL:
            self.charges -= amount
        elif txn_type in (TxnType.CAMPAIGN_GRANT, TxnType.BONUS_GRANT):
            self.grants += amount
        elif txn_type is TxnType.CAMPAIGN_GRANT_CANCEL:
            self.grants -= amount
        elif txn_type is TxnType.LAPSE:
            self.lapses += amount
        else:
            self.other += txn_type.sign * amount
        self.net_payments = self.payments - self.cancels


class Totals(Schema):
    group: str
    date_from: str
    date_to: str
    rows: list[TotalRow]


class SettlementRow(Schema):
    store_id: str
    store_name: str
    company_id: str
    company_name: str
    payment_count: int = 0
    payment_amount: int = 0
    payment_common: int = 0
    payment_dedicated: int = 0
    cancel_count: int = 0
    cancel_amount: int = 0
    cancel_common: int = 0
    cancel_dedicated: int = 0
    net: int = 0
    net_common: int = 0
    net_dedicated: int = 0

    def add(self, record: Item) -> None:
        amount, common, dedicated, count = (int(record[k]) for k in ("amount", "common", "dedicated", "count"))
        if record["txn_type"] == TxnType.PAYMENT.value:
            self.payment_count += count
            self.payment_amount += amount
            self.payment_common += common
            self.payment_dedicated += dedicated
        else:
            self.cancel_count += count
            self.cancel_amount += amount
            self.cancel_common += common
            self.cancel_dedicated += dedicated
        self.net = self.payment_amount - self.cancel_amount
        self.net_common = self.payment_common - self.cancel_common
        self.net_dedicated = self.payment_dedicated - self.cancel_dedicated


class Settlement(Schema):
    date_from: str
    date_to: str
    rows: list[SettlementRow]


class UnusedRow(Schema):
    programme_id: str
    programme_name: str
    voucher_type: str
    voucher_type_label: str
    unused: int


class Unused(Schema):
    on: str
    rows: list[UnusedRow]
    total: int


class Daily(Schema):
    """日計: what one store took on one day, for closing the till."""

    date: str
    store_id: str
    store_name: str
    payment_count: int = 0
    payment_amount: int = 0
    cancel_count: int = 0
    cancel_amount: int = 0
    net: int = 0  # payments minus cancels


class DailyQuery(Schema):
    date: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class ReportQuery(Schema):
    date_from: IsoDate
    date_to: IsoDate
    group: str = Field(default="day", pattern=r"^(day|store|company|voucher_type)$")
    committee_id: str | None = Field(default=None, max_length=20)


class SettlementQuery(Schema):
    date_from: IsoDate
    date_to: IsoDate
    committee_id: str | None = Field(default=None, max_length=20)


class UnusedQuery(Schema):
    on: IsoDate
    committee_id: str | None = Field(default=None, max_length=20)
