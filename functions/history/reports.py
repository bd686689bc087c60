"""集計: totals by day / store / company / voucher type, merchant settlement (精算) and the unused
balance at a reference date (基準日未使用残高), all from the totals the stream consumer keeps."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

from history.report_models import Settlement, SettlementRow, TotalRow, Totals, Unused, UnusedRow
from shoken.db import committees, programmes, totals
from shoken.db.dynamo import Item
from shoken.errors import Forbidden, InvalidRequest
from shoken.money import VoucherType
from shoken.principal import Principal
from shoken.roles import Role
from shoken.runtime import Runtime
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
        raise Forbidden("集計はアクワイアラ管理者のみ利用できます。")
    if caller.role is Role.COMMITTEE_ADMIN:
        return str(caller.committee_id)
    everything = committees.list_all(rt.db)
    chosen = committee_id or (str(everything[0]["committee_id"]) if everything else "")
    if not any(c["committee_id"] == chosen for c in everything):
        raise InvalidRequest("アクワイアラを指定してください。")
    return chosen


def _period(first: str, last: str) -> None:
    try:
        span = (date.fromisoformat(last) - date.fromisoformat(first)).days
    except ValueError as error:
        raise InvalidRequest("期間の形式が正しくありません。") from error
    if span < 0:
        raise InvalidRequest("期間の終了日が開始日より前です。")
    if span > MAX_DAYS:
        raise InvalidRequest(f"期間は{MAX_DAYS}日以内で指定してください。")


def totals_by(rt: Runtime, caller: Principal, *, first: str, last: str, group: str, committee_id: str | None) -> Totals:
    committee = _committee(rt, caller, committee_id)
    _period(first, last)
    rows: dict[str, TotalRow] = {}
    for record in totals.days(rt.db, committee, first, last):
        txn_type = TxnType(record["txn_type"])
        if group == "voucher_type":
            parts = [(t.value, t.label, int(record.get(t.value, 0))) for t in VoucherType]
        else:
            key, label = GROUPS[group](record)
            parts = [(key, label, int(record["amount"]))]
        for key, label, amount in parts:
            row = rows.setdefault(key, TotalRow(key=key, label=label))
            row.add(txn_type, amount, int(record["count"]) if group != "voucher_type" else 0)
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


def settlement_csv(report: Settlement) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "精算期間",
            "企業ID",
            "企業名",
            "店舗ID",
            "店舗名",
            "決済件数",
            "決済額",
            "うち共通券",
            "うち専用券",
            "取消件数",
            "取消額",
            "うち共通券",
            "うち専用券",
            "精算額",
            "精算額(共通券)",
            "精算額(専用券)",
        ]
    )
    for r in report.rows:
        writer.writerow([
            f"{report.date_from}～{report.date_to}", r.company_id, r.company_name, r.store_id, r.store_name,
            r.payment_count, r.payment_amount, r.payment_common, r.payment_dedicated,
            r.cancel_count, r.cancel_amount, r.cancel_common, r.cancel_dedicated,
            r.net, r.net_common, r.net_dedicated,
        ])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode()


def unused(rt: Runtime, caller: Principal, *, on: str, committee_id: str | None) -> Unused:
    """基準日未使用残高 (e.g. 3/31 and 9/30 for the Payment Services Act), by programme and voucher type."""
    committee = _committee(rt, caller, committee_id)
    try:
        date.fromisoformat(on)
    except ValueError as error:
        raise InvalidRequest("基準日の形式が正しくありません。") from error
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
