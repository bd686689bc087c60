"""Models of the merchant entities and admin users that more than one function uses.

The request models are shared by the console's single-record forms (admin function) and
マスタ一括登録 (workers function), so a CSV row is held to exactly the rules of the form.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shoken.db.dynamo import Item
from shoken.errors import InvalidRequest
from shoken.principal import Scope
from shoken.roles import Role

EMAIL_PATTERN = r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$"
PHONE = r"^[0-9\-+() ]{6,20}$"


class ScopeNames(BaseModel):
    """Where a user or device belongs, with the names the screens show (admin user lists, 'me')."""

    committee_id: str | None = None
    committee_name: str | None = None
    company_id: str | None = None
    company_name: str | None = None
    store_id: str | None = None
    store_name: str | None = None


class CompanyFields(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    name_kana: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, pattern=PHONE)
    address: str | None = Field(default=None, max_length=200)
    representative: str | None = Field(default=None, max_length=60)
    external_company_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")


class CompanyCreate(CompanyFields):
    committee_id: str | None = Field(default=None, max_length=20)


class StoreFields(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(pattern=PHONE)
    address: str | None = Field(default=None, max_length=200)
    area: str | None = Field(default=None, max_length=40)
    large: bool = False
    external_store_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")
    external_service_name: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")


class StoreCreate(StoreFields):
    company_id: str = Field(pattern=r"^\d{5}$")


class TerminalFields(BaseModel):
    device_name: str | None = Field(default=None, max_length=60)
    external_terminal_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")
    external_service_name: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")


class TerminalCreate(TerminalFields):
    store_id: str = Field(pattern=r"^\d{7}$")


class UserCreateRequest(BaseModel):
    role: Literal["system_admin", "committee_admin", "company_admin", "company_staff", "store_manager", "store_staff"]
    committee_id: str | None = Field(default=None, max_length=20)
    company_id: str | None = Field(default=None, pattern=r"^\d{5}$")
    store_id: str | None = Field(default=None, pattern=r"^\d{7}$")
    name: str = Field(min_length=1, max_length=60)
    login_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    note: str | None = Field(default=None, max_length=500)
    notify: bool = False


def _missing(field: str, message: str) -> InvalidRequest:
    return InvalidRequest(details=[{"field": field, "reason": "required", "reason_ja": message}])


def user_scope(role: Role, *, committee: Item | None, company: Item | None, store: Item | None) -> Scope:
    """Where a new admin user sits, from its role and the committee / company / store chosen for it.

    `committee`, `company` and `store` are the records the request named (None if it named none or
    they do not exist). Used by 管理ユーザ登録 and by マスタ一括登録 of users.
    """
    if role is Role.SYSTEM_ADMIN:
        return Scope()
    if role is Role.COMMITTEE_ADMIN:
        if committee is None:
            raise _missing("committee_id", "アクワイアラを選択してください。")
        return Scope(str(committee["committee_id"]))
    if role in (Role.COMPANY_ADMIN, Role.COMPANY_STAFF):
        if company is None:
            raise _missing("company_id", "企業を選択してください。")
        return Scope(str(company["committee_id"]), str(company["company_id"]))
    if store is None:
        raise _missing("store_id", "店舗を選択してください。")
    if company is not None and company["company_id"] != store["company_id"]:
        raise InvalidRequest(
            details=[{"field": "store_id", "reason": "mismatch", "reason_ja": "選択した企業の店舗ではありません。"}]
        )
    return Scope(str(store["committee_id"]), str(store["company_id"]), str(store["store_id"]))
