"""集計: totals by day / store / company / voucher type, merchant settlement (精算) and the unused
balance at a reference date (基準日未使用残高), all from the totals the stream consumer keeps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from history.report_models import Daily, Settlement, SettlementRow, TotalRow, Totals, Unused, UnusedRow
from shoken import sheets
from shoken.clock import jst_date
from shoken.db import committees, programmes, totals
from shoken.db.dynamo import Item
from shoken.history_errors import (
    CommitteeRequired,
    DailyDateFormat,
    DailyForMerchants,
    PeriodFormat,
    PeriodOrder,
    PeriodTooLong,
    ReferenceDateFormat,
    ReferenceDateFuture,
    ReportsForCommittees,
)
from shoken.money import VoucherType
from shoken.principal import Principal
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.sheets import Column, Format, Kind
from shoken.txn_types import TxnType

MAX_DAYS = 400
GROUPS: dict[str, Callable[[Item], tuple[str, str]]] = {
    "day": lambda t: (str(t["day"]), str(t["day"]).replace("-", "/")),
    "store": lambda t: (str(t.get("store_id") or "-"), str(t.get("store_name") or "店舗外 (チャージ・付与・失効)")),
    "company": lambda t: (
        str(t.get("company_id") or "-"),
        str(t.get("company_name") or "企業外 (チャージ・付与・失効)"),
    ),
}


def _committee(rt: Runtime, caller: Principal, committee_id: str | None) -> str:
    if caller.role not in (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN):
        raise ReportsForCommittees()
    if caller.role is Role.COMMITTEE_ADMIN:
        return str(caller.committee_id)
    everything = committees.list_all(rt.db)
    chosen = committee_id or (str(everything[0]["committee_id"]) if everything else "")
    if not any(c["committee_id"] == chosen for c in everything):
        raise CommitteeRequired()
    return chosen


def _period(first: str, last: str) -> None:
    try:
        span = (date.fromisoformat(last) - date.fromisoformat(first)).days
    except ValueError as error:
        raise PeriodFormat() from error
    if span < 0:
        raise PeriodOrder()
    if span > MAX_DAYS:
        raise PeriodTooLong(days=MAX_DAYS)


def totals_by(rt: Runtime, caller: Principal, *, first: str, last: str, group: str, committee_id: str | None) -> Totals:
    committee = _committee(rt, caller, committee_id)
    _period(first, last)
    rows: dict[str, TotalRow] = {}
    for record in totals.days(rt.db, committee, first, last):
        txn_type = TxnType(record["txn_type"])
        if group == "voucher_type":
            # A transaction that used both types counts once in each (count_<type>, kept by the consumer).
            parts = [
                (t.value, t.label, int(record.get(t.value, 0)), int(record.get(f"count_{t.value}", 0)))
                for t in VoucherType
            ]
        else:
            key, label = GROUPS[group](record)
            parts = [(key, label, int(record["amount"]), int(record["count"]))]
        for key, label, amount, count in parts:
            row = rows.setdefault(key, TotalRow(key=key, label=label))
            row.add(txn_type, amount, count)
    ordered = sorted(rows.values(), key=lambda r: r.key)
    return Totals(group=group, date_from=first, date_to=last, rows=ordered)


def settlement(rt: Runtime, caller: Principal, *, first: str, last: str, committee_id: str | None) -> Settlement:
    """精算: per store, payments minus cancels by voucher type, with the transaction counts."""
    committee = _committee(rt, caller, committee_id)
    _period(first, last)
    rows: dict[str, SettlementRow] = {}
    for record in totals.days(rt.db, committee, first, last):
        if record["txn_type"] not in (TxnType.PAYMENT.value, TxnType.PAYMENT_CANCEL.value) or not record.get(
            "store_id"
        ):
            continue
        row = rows.setdefault(
            str(record["store_id"]),
            SettlementRow(
                store_id=str(record["store_id"]),
                store_name=str(record.get("store_name", "")),
                company_id=str(record.get("company_id", "")),
                company_name=str(record.get("company_name", "")),
            ),
        )
        row.add(record)
    return Settlement(date_from=first, date_to=last, rows=sorted(rows.values(), key=lambda r: r.store_id))


N = Kind.NUMBER
SETTLEMENT_COLUMNS = (
    Column("精算期間", width=24),
    Column("企業ID"),
    Column("企業名", width=20),
    Column("店舗ID"),
    Column("店舗名", width=20),
    Column("決済件数", N),
    Column("決済額", N),
    Column("決済額(共通券)", N),
    Column("決済額(専用券)", N),
    Column("取消件数", N),
    Column("取消額", N),
    Column("取消額(共通券)", N),
    Column("取消額(専用券)", N),
    Column("精算額", N),
    Column("精算額(共通券)", N),
    Column("精算額(専用券)", N),
)
TOTAL_KEYS: dict[str, tuple[Column, ...]] = {
    "day": (Column("日付"),),
    "store": (Column("店舗ID"), Column("店舗名", width=24)),
    "company": (Column("企業ID"), Column("企業名", width=24)),
    "voucher_type": (Column("券種"),),
}
TOTAL_COLUMNS = (
    Column("決済件数", N),
    Column("決済額", N),
    Column("取消件数", N),
    Column("取消額", N),
    Column("決済額(取消控除後)", N),
    Column("チャージ額", N),
    Column("付与額", N),
    Column("失効額", N),
)
UNUSED_COLUMNS = (
    Column("基準日"),
    Column("商品券事業ID"),
    Column("商品券事業", width=24),
    Column("券種"),
    Column("未使用残高", N),
)
GROUP_NAMES = {"day": "日別", "store": "店舗別", "company": "企業別", "voucher_type": "券種別"}


def _slash(day: str) -> str:
    return day.replace("-", "/")


def settlement_file(report: Settlement, fmt: Format) -> tuple[str, bytes]:
    period = f"{_slash(report.date_from)}～{_slash(report.date_to)}"
    rows = [
        [
            period, r.company_id, r.company_name, r.store_id, r.store_name,
            r.payment_count, r.payment_amount, r.payment_common, r.payment_dedicated,
            r.cancel_count, r.cancel_amount, r.cancel_common, r.cancel_dedicated,
            r.net, r.net_common, r.net_dedicated,
        ]
        for r in report.rows
    ]  # fmt: skip
    name = f"settlement_{report.date_from.replace('-', '')}_{report.date_to.replace('-', '')}.{fmt.value}"
    return name, sheets.table_bytes(fmt, SETTLEMENT_COLUMNS, rows, title="精算")


def totals_file(report: Totals, fmt: Format) -> tuple[str, bytes]:
    keys = TOTAL_KEYS[report.group]
    rows = []
    for r in report.rows:
        head = [r.label] if len(keys) == 1 else [r.key if r.key != "-" else "", r.label]
        counts = [r.payment_count, r.payments, r.cancel_count, r.cancels, r.net_payments]
        rows.append([*head, *counts, r.charges, r.grants, r.lapses])
    name = f"totals_{report.group}_{report.date_from.replace('-', '')}_{report.date_to.replace('-', '')}.{fmt.value}"
    return name, sheets.table_bytes(fmt, keys + TOTAL_COLUMNS, rows, title=f"集計({GROUP_NAMES[report.group]})")


def unused_file(report: Unused, fmt: Format) -> tuple[str, bytes]:
    on = _slash(report.on)
    rows: list[list[object]] = [
        [on, r.programme_id, r.programme_name, r.voucher_type_label, r.unused] for r in report.rows
    ]
    rows.append([on, "", "合計", "", report.total])
    name = f"unused_{report.on.replace('-', '')}.{fmt.value}"
    return name, sheets.table_bytes(fmt, UNUSED_COLUMNS, rows, title="基準日未使用残高")


def merchant_daily(rt: Runtime, caller: Principal, day: str) -> Daily:
    """日計 of the caller's store: payments and cancels of a JST day (kept by the stream consumer,
    so a payment of the last seconds may not be in it yet)."""
    if not caller.store_id or not caller.committee_id:
        raise DailyForMerchants()
    try:
        date.fromisoformat(day)
    except ValueError as error:
        raise DailyDateFormat() from error
    daily = Daily(date=day, store_id=caller.store_id, store_name="")
    for record in totals.store_day(rt.db, caller.committee_id, day, caller.store_id):
        daily.store_name = str(record.get("store_name") or daily.store_name)
        if record["txn_type"] == TxnType.PAYMENT.value:
            daily.payment_count += int(record["count"])
            daily.payment_amount += int(record["amount"])
        elif record["txn_type"] == TxnType.PAYMENT_CANCEL.value:
            daily.cancel_count += int(record["count"])
            daily.cancel_amount += int(record["amount"])
    daily.net = daily.payment_amount - daily.cancel_amount
    return daily


def unused(rt: Runtime, caller: Principal, *, on: str, committee_id: str | None) -> Unused:
    """基準日未使用残高 (e.g. 3/31 and 9/30 for the Payment Services Act), by programme and voucher type."""
    committee = _committee(rt, caller, committee_id)
    try:
        date.fromisoformat(on)
    except ValueError as error:
        raise ReferenceDateFormat() from error
    if on > jst_date(rt.clock.now()):
        # The totals stop at today: a future date would show today's balance as if it were that day's.
        raise ReferenceDateFuture()
    rows = []
    for programme in programmes.list_for_committee(rt.db, committee):
        by_type = totals.unused(rt.db, committee, str(programme["programme_id"]), on)
        for voucher_type in VoucherType:
            if voucher_type.value in programme["shares"] or by_type.get(voucher_type.value):
                rows.append(
                    UnusedRow(
                        programme_id=str(programme["programme_id"]),
                        programme_name=str(programme["name"]),
                        voucher_type=voucher_type.value,
                        voucher_type_label=voucher_type.label,
                        unused=by_type.get(voucher_type.value, 0),
                    )
                )
    return Unused(on=on, rows=rows, total=sum(r.unused for r in rows))
