"""A payee's bank account as entered (console form or マスタ一括登録 row), checked and normalised once."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from shoken.validation import Schema


class PayoutAccountInput(Schema):
    bank_code: str = Field(min_length=1, max_length=8)
    branch_code: str = Field(min_length=1, max_length=8)
    account_type: Literal["ordinary", "current"] = "ordinary"
    account_number: str = Field(min_length=1, max_length=16)
    holder_name: str = Field(min_length=1, max_length=80)


class PayoutAccountRow(PayoutAccountInput):
    """A マスタ一括登録 row: the account of one store (店舗ID) or one company (企業ID)."""

    store_id: str | None = Field(default=None, max_length=20)
    company_id: str | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _one_owner(self) -> PayoutAccountRow:
        if bool(self.store_id) == bool(self.company_id):
            raise ValueError("店舗IDか企業IDのどちらか一方を入力してください。")
        return self

    @property
    def owner(self) -> str:
        return f"ST#{self.store_id}" if self.store_id else f"CO#{self.company_id}"


# The column of the bulk file each refusal points at.
ERROR_COLUMNS = {
    "unknown_bank": "金融機関コード",
    "unknown_branch": "支店コード",
    "bad_account": "口座番号",
    "bad_holder_name": "口座名義",
}


def checked(entry: PayoutAccountInput) -> dict[str, str]:
    """The account as stored: codes found on the Zengin list (with their names), the holder name as
    banks take it. Raises UnknownBank / UnknownBranch / BadHolderName / BadAccount."""
    from shoken import bank  # here, not at import: the admin function's cold start (issue 19)

    bank_code, branch_code = entry.bank_code.strip(), entry.branch_code.strip()
    return {
        "bank_code": bank_code,
        "bank_name": bank.bank_name(bank_code),
        "branch_code": branch_code,
        "branch_name": bank.branch_name(bank_code, branch_code),
        "account_type": entry.account_type,
        "account_number": bank.account_number(entry.account_number.strip()),
        "holder_kana": bank.holder_kana(entry.holder_name),
    }
