"""マスタ一括登録's file kinds: the CSV columns, the form model each row is held to, and who may upload it.

One table for the console (which offers and accepts uploads) and the workers (which check and apply them).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from shoken import entities
from shoken.payout_account import PayoutAccountRow
from shoken.roles import Role

COMMITTEE_LEVEL = frozenset({Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN})
CONSOLE_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN, Role.COMPANY_ADMIN, Role.COMPANY_STAFF})
PAYOUT_EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN, Role.COMPANY_ADMIN})


@dataclass(frozen=True)
class Spec:
    label: str
    columns: tuple[tuple[str, str], ...]  # (CSV header, model field)
    model: type[BaseModel]  # the console form's own model: a row is held to the form's rules
    sequence: str  # the id sequence of the records it creates ("" when rows update existing records)
    roles: frozenset[Role]  # who may upload it

    @property
    def headers(self) -> list[str]:
        return [header for header, _ in self.columns]


SPECS: dict[str, Spec] = {
    "companies": Spec(
        "企業",
        (
            ("アクワイアラID", "committee_id"),
            ("企業名", "name"),
            ("企業名カナ", "name_kana"),
            ("電話番号", "phone"),
            ("住所", "address"),
            ("代表者名", "representative"),
            ("外部企業ID", "external_company_id"),
        ),
        entities.CompanyCreate,
        "company",
        COMMITTEE_LEVEL,
    ),
    "stores": Spec(
        "店舗",
        (
            ("企業ID", "company_id"),
            ("店舗名", "name"),
            ("電話番号", "phone"),
            ("住所", "address"),
            ("地区", "area"),
            ("大型店", "large"),
            ("外部店舗ID", "external_store_id"),
            ("外部連携サービス名", "external_service_name"),
        ),
        entities.StoreCreate,
        "store",
        COMMITTEE_LEVEL,
    ),
    "terminals": Spec(
        "端末",
        (
            ("店舗ID", "store_id"),
            ("機器名", "device_name"),
            ("外部端末ID", "external_terminal_id"),
            ("外部連携サービス名", "external_service_name"),
        ),
        entities.TerminalCreate,
        "terminal",
        CONSOLE_ROLES,
    ),
    "users": Spec(
        "管理ユーザ",
        (
            ("権限", "role"),
            ("アクワイアラID", "committee_id"),
            ("企業ID", "company_id"),
            ("店舗ID", "store_id"),
            ("氏名", "name"),
            ("ログインID", "login_id"),
            ("メールアドレス", "email"),
            ("備考", "note"),
        ),
        entities.UserCreateRequest,
        "user",
        CONSOLE_ROLES,
    ),
    # 振込先口座: one row per store or company, registered or replaced (no new ids)
    "payout_accounts": Spec(
        "振込先口座",
        (
            ("店舗ID", "store_id"),
            ("企業ID", "company_id"),
            ("金融機関コード", "bank_code"),
            ("支店コード", "branch_code"),
            ("預金種目", "account_type"),
            ("口座番号", "account_number"),
            ("口座名義", "holder_name"),
        ),
        PayoutAccountRow,
        "",
        PAYOUT_EDITORS,
    ),
}
