"""Request and response models of the admin function's routes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

EMAIL_PATTERN = r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$"


class Option(BaseModel):
    value: str
    label: str
    parent: str | None = None  # committee of a company, company of a store


class OptionsResponse(BaseModel):
    roles: list[Option]
    committees: list[Option]
    companies: list[Option]
    stores: list[Option]


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


class UserUpdateRequest(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    note: str | None = Field(default=None, max_length=500)


class UserView(BaseModel):
    user_id: str
    login_id: str
    name: str
    email: str
    role: str
    role_label: str
    committee_id: str | None = None
    committee_name: str | None = None
    company_id: str | None = None
    company_name: str | None = None
    store_id: str | None = None
    store_name: str | None = None
    note: str | None = None
    locked: bool
    status: str
    status_label: str
    must_change_password: bool
    created_at: str
    last_login_at: str | None = None


class UserList(BaseModel):
    items: list[UserView]
    next_cursor: str | None = None


class Done(BaseModel):
    message: str


class AuditEntry(BaseModel):
    at: str
    action: str
    action_label: str
    actor: dict[str, str]
    target_type: str | None = None
    target_id: str | None = None
    committee_id: str | None = None
    company_id: str | None = None
    store_id: str | None = None
    detail: dict[str, object] = Field(default_factory=dict)
    source_ip: str | None = None


class AuditList(BaseModel):
    items: list[AuditEntry]
    next_cursor: str | None = None


class UserSearch(BaseModel):
    """管理ユーザ一覧の検索条件 (the manual's fields)."""

    user_id: str | None = Field(default=None, max_length=20)
    login_id: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=254)
    role: str | None = Field(default=None, max_length=30)
    locked: Literal["", "locked", "unlocked"] = ""
    status: Literal["", "active", "suspended"] = ""
    committee: str | None = Field(default=None, max_length=60)
    company: str | None = Field(default=None, max_length=60)
    store: str | None = Field(default=None, max_length=60)
    cursor: str | None = Field(default=None, max_length=2000)
    page_size: int = Field(default=50, ge=1, le=200)


class AuditSearch(BaseModel):
    date_from: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    date_to: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    action: str | None = Field(default=None, max_length=40)
    committee_id: str | None = Field(default=None, max_length=20)
    cursor: str | None = Field(default=None, max_length=2000)
    page_size: int = Field(default=50, ge=1, le=200)
