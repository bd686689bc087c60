"""Rows of the transaction history file (ダウンロード予約 → ファイルダウンロード): the manual's columns,
typed so that the XLSX keeps 取引番号 and IDs as text and amounts as numbers (shoken.sheets writes them)."""

from __future__ import annotations

from typing import Any

from shoken import sheets
from shoken.clock import parse_iso
from shoken.db.dynamo import Item
from shoken.sheets import Column, Kind
from shoken.txn_types import TxnStatus, TxnType

N = Kind.NUMBER
FIELDS: tuple[tuple[Column, str], ...] = (
    (Column("取引日時", Kind.DATETIME, 20), "occurred_at"),
    (Column("取引番号", width=20), "number"),
    (Column("取引状態", width=10), "status"),
    (Column("取引区分", width=16), "txn_type"),
    (Column("アクワイアラ名"), "committee_name"),
    (Column("外部アクワイアラID"), "external_acquirer_id"),
    (Column("企業ID"), "company_id"),
    (Column("企業名", width=20), "company_name"),
    (Column("店舗ID"), "store_id"),
    (Column("店舗名", width=20), "store_name"),
    (Column("外部店舗ID"), "external_store_id"),
    (Column("端末ID"), "terminal_id"),
    (Column("外部端末ID"), "external_terminal_id"),
    (Column("ユーザID"), "wallet_id"),
    (Column("外部ユーザID"), "external_user_id"),
    (Column("取引金額", N), "amount"),
    (Column("ウォレットサービス名"), "wallet_service_name"),
    (Column("前払バリュー取引額", N), "prepaid"),
    (Column("ボーナスバリュー取引額", N), "bonus"),
    (Column("キャンペーン付与取引額", N), "grant"),
    (Column("共通券取引額", N), "common"),
    (Column("専用券取引額", N), "dedicated"),
    (Column("キャンペーン名"), "campaign_name"),
    (Column("一括付与名"), "grant_name"),
    (Column("元取引番号", width=20), "original_number"),
)
COLUMNS: tuple[Column, ...] = tuple(c for c, _ in FIELDS)
BREAKDOWN = ("prepaid", "bonus", "grant", "common", "dedicated")


def values(record: Item) -> list[Any]:
    split = record.get("breakdown") or {}
    out: list[Any] = []
    for _, field in FIELDS:
        if field == "occurred_at":
            out.append(parse_iso(str(record["occurred_at"])))
        elif field == "status":
            out.append(TxnStatus(record["status"]).label)
        elif field == "txn_type":
            out.append(TxnType(record["txn_type"]).label)
        elif field in BREAKDOWN:
            out.append(int(split.get(field, 0)))
        elif field == "amount":
            out.append(int(record["amount"]))
        else:
            value = record.get(field)
            out.append(None if value is None else str(value))
    return out


def csv_start() -> bytes:
    return (sheets.BOM + sheets.csv_header(COLUMNS)).encode()


def csv_row(record: Item) -> bytes:
    return sheets.csv_line(COLUMNS, values(record)).encode()
