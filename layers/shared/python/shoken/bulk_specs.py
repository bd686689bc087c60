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
    example: tuple[str, ...] = ()  # one example row of the template (written as a # comment line)
    notes: tuple[str, ...] = ()  # the allowed values, shown on the screen and in the template

    @property
    def headers(self) -> list[str]:
        return [header for header, _ in self.columns]

    def template(self) -> bytes:
        """The CSV to fill in: the header, then # lines (skipped on upload) with the allowed values and an example."""
        from shoken import sheets

        columns = [sheets.Column(h) for h in self.headers]
        comments = [[f"# {note}", *[""] * (len(columns) - 1)] for note in self.notes]
        example = [["# 記入例: " + self.example[0], *self.example[1:]]] if self.example else []
        return sheets.csv_bytes(columns, [*comments, *example])


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
        example=(
            "1",
            "株式会社エーナ食堂",
            "カブシキガイシャエーナショクドウ",
            "0573-20-0001",
            "岐阜県恵那市大井町1-1",
            "恵那 太郎",
            "C0001",
        ),
        notes=("アクワイアラID: アクワイアラ一覧のID", "企業名カナ・代表者名・外部企業IDは省略できます"),
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
        example=(
            "1000001",
            "エーナ食堂 駅前店",
            "0573-25-1002",
            "岐阜県恵那市大井町2-11",
            "大井町",
            "0",
            "S0002",
            "enacity",
        ),
        notes=(
            "企業ID: 企業一覧の企業ID (企業を一括登録した場合は、その登録結果に表示される企業ID)",
            "大型店: 1 = 大型店 (共通券のみ利用可) / 0 = それ以外",
            "地区: 利用者アプリの加盟店検索に使う地区名 (例: 大井町)",
        ),
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
        example=("2000001", "iPhone 14", "99999901", "enacity"),
        notes=("店舗ID: 店舗一覧の店舗ID", "端末パスワード (4桁) は登録時に作られ、端末詳細に表示されます"),
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
        example=("店舗管理者", "1", "1000001", "2000001", "恵那 花子", "shopuser09", "hanako@example.jp", ""),
        notes=(
            "権限: " + " / ".join(r.label for r in Role if r is not Role.CITIZEN),
            "アクワイアラID・企業ID・店舗IDは、権限に応じて必要なものを入力します",
            "初期パスワードはログインIDと同じです (初回ログイン時に変更します)",
        ),
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
