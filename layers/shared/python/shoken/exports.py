"""CSV of transaction history (ダウンロード予約 → ファイルダウンロード): the manual's columns, UTF-8
with a BOM so Excel opens it, written as the rows come so memory stays flat at any size."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from shoken.clock import jst_display, parse_iso
from shoken.db.dynamo import Item
from shoken.txn_types import TxnStatus, TxnType

COLUMNS: tuple[tuple[str, str], ...] = (
    ("取引日時", "occurred_at"),
    ("取引番号", "number"),
    ("取引状態", "status"),
    ("取引区分", "txn_type"),
    ("アクワイアラ名", "committee_name"),
    ("外部アクワイアラID", "external_acquirer_id"),
    ("企業ID", "company_id"),
    ("企業名", "company_name"),
    ("店舗ID", "store_id"),
    ("店舗名", "store_name"),
    ("外部店舗ID", "external_store_id"),
    ("端末ID", "terminal_id"),
    ("外部端末ID", "external_terminal_id"),
    ("ユーザID", "wallet_id"),
    ("外部ユーザID", "external_user_id"),
    ("取引金額", "amount"),
    ("ウォレットサービス名", "wallet_service_name"),
    ("前払バリュー取引額", "prepaid"),
    ("ボーナスバリュー取引額", "bonus"),
    ("キャンペーン付与取引額", "grant"),
    ("共通券取引額", "common"),
    ("専用券取引額", "dedicated"),
    ("キャンペーン名", "campaign_name"),
    ("一括付与名", "grant_name"),
    ("元取引番号", "original_number"),
)
BOM = "\ufeff"


def header() -> str:
    return _line([c for c, _ in COLUMNS])


def line(record: Item) -> str:
    split = record.get("breakdown") or {}
    values = []
    for _, field in COLUMNS:
        if field == "occurred_at":
            values.append(jst_display(parse_iso(str(record["occurred_at"]))))
        elif field == "status":
            values.append(TxnStatus(record["status"]).label)
        elif field == "txn_type":
            values.append(TxnType(record["txn_type"]).label)
        elif field in ("prepaid", "bonus", "grant", "common", "dedicated"):
            values.append(str(int(split.get(field, 0))))
        else:
            value = record.get(field)
            values.append("" if value is None else str(value))
    return _line(values)


def _line(values: Iterable[str]) -> str:
    out = io.StringIO()
    # Values that start like a formula are quoted with a leading apostrophe (CSV injection in Excel).
    csv.writer(out, lineterminator="\r\n").writerow(
        ["'" + v if v[:1] in ("=", "+", "-", "@") and not v.lstrip("-").isdigit() else v for v in values]
    )
    return out.getvalue()
