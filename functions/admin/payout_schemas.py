"""Request and response models of the payout routes (振込先口座)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from shoken.payout_account import PayoutAccountInput  # noqa: F401  (re-exported request model)


class PayoutAccountView(BaseModel):
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


class PayoutByRequest(BaseModel):
    payout_by: Literal["store", "company"]


class BankNames(BaseModel):
    bank_code: str
    bank_name: str
    branch_code: str | None = None
    branch_name: str | None = None
