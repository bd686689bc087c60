"""Models of the merchant entities and admin users that more than one function uses.

The request models are shared by the console's single-record forms (admin function) and
マスタ一括登録 (workers function), so a CSV row is held to exactly the rules of the form.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shoken import messages
from shoken.db.dynamo import Item
from shoken.errors import DomainError, Forbidden, InvalidRequest
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.validation import BodyBool, CompanyId, Line, Lines, Schema, StoreId

EMAIL_PATTERN = r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$"
PHONE = r"^[0-9\-+() ]{6,20}$"


class ScopeNames(Schema):
    """Where a user or device belongs, with the names the screens show (admin user lists, 'me')."""

    committee_id: str | None = None
    committee_name: str | None = None
    company_id: str | None = None
    company_name: str | None = None
    store_id: str | None = None
    store_name: str | None = None


class CompanyFields(Schema):
    name: Line = Field(min_length=1, max_length=100)
    name_kana: Line | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, pattern=PHONE)
    address: Line | None = Field(default=None, max_length=200)
    representative: Line | None = Field(default=None, max_length=60)
    external_company_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")


class CompanyCreate(CompanyFields):
    committee_id: str | None = Field(default=None, max_length=20)


class StoreFields(Schema):
    name: Line = Field(min_length=1, max_length=100)
    phone: str = Field(pattern=PHONE)
    address: Line | None = Field(default=None, max_length=200)
    area: Line | None = Field(default=None, max_length=40)
    large: BodyBool = False
    # 店舗位置情報 (for the wallet's store list), in degrees
    latitude: float | None = Field(default=None, ge=20, le=46)
    longitude: float | None = Field(default=None, ge=122, le=154)
    external_store_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")
    external_service_name: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")


class StoreCreate(StoreFields):
    company_id: CompanyId


class TerminalFields(Schema):
    device_name: Line | None = Field(default=None, max_length=60)
    external_terminal_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")
    external_service_name: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")


class TerminalCreate(TerminalFields):
    store_id: StoreId


class UserCreateRequest(Schema):
    role: Literal["system_admin", "committee_admin", "company_admin", "company_staff", "store_manager", "store_staff"]
    committee_id: str | None = Field(default=None, max_length=20)
    company_id: CompanyId | None = None
    store_id: StoreId | None = None
    name: Line = Field(min_length=1, max_length=60)
    login_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    note: Lines | None = Field(default=None, max_length=500)
    notify: BodyBool = False


# Where a new record may go, refused: codes and facts (their status and texts: shoken.messages, "merchant
# entities"). The console answers them; マスタ一括登録 reports them on the row.
class CompaniesByCommitteeAdmins(DomainError, Forbidden):
    code = "forbidden"
    variant = "register_company"


class StoresByCommitteeAdmins(DomainError, Forbidden):
    code = "forbidden"
    variant = "register_store"


class UserAboveCaller(DomainError, Forbidden):
    code = "forbidden"
    variant = "register_higher_role"


class UserOutsideScope(DomainError, Forbidden):
    code = "forbidden"
    variant = "register_outside_scope"


class HomeFieldRefused(DomainError, InvalidRequest):
    """Facts: field (the one at fault), reason (required, unknown, mismatch) and problem (the key of what
    the form shows beside the field: shoken.messages.FIELD_TEXTS)."""

    code = "invalid_request"
    variant = "home_field"

    def __init__(self, field: str, reason: str, problem: str) -> None:
        shown = messages.field_text(problem, {})
        detail = {"field": field, "reason": reason, "reason_ja": shown}
        super().__init__(details=[detail], field=field, reason=reason, problem=problem)


# Where a new record may be created, and by whom: one rule for the console's forms and マスタ一括登録.
# Each takes the records the request named (None if it named none or they do not exist) and
# answers the scope of the new record, or refuses (InvalidRequest naming the field, or Forbidden).
def company_home(caller: Principal, named: str | None, committee: Item | None) -> Scope:
    """A company joins the committee named; a committee admin who names none gets their own."""
    if caller.role not in (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN):
        raise CompaniesByCommitteeAdmins()
    if not named and caller.role is Role.COMMITTEE_ADMIN:
        return Scope(caller.committee_id)
    if committee is None:
        raise HomeFieldRefused("committee_id", "required", "committee_required")
    home = Scope(str(committee["committee_id"]))
    if not caller.covers(home):
        raise HomeFieldRefused("committee_id", "unknown", "committee_out_of_scope")
    return home


def store_home(caller: Principal, company: Item | None) -> Scope:
    if caller.role not in (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN):
        raise StoresByCommitteeAdmins()
    if company is None or not caller.covers(Scope.of(company)):
        raise HomeFieldRefused("company_id", "unknown", "company_unknown")
    return Scope(str(company["committee_id"]), str(company["company_id"]))


def terminal_home(caller: Principal, store: Item | None) -> Scope:
    if store is None or not caller.covers(Scope.of(store)):
        raise HomeFieldRefused("store_id", "unknown", "store_unknown")
    return Scope.of(store)


def user_home(
    caller: Principal, role: Role, *, committee: Item | None, company: Item | None, store: Item | None
) -> Scope:
    if role.rank < caller.role.rank:
        raise UserAboveCaller()
    home = user_scope(role, committee=committee, company=company, store=store)
    if not caller.covers(home):
        raise UserOutsideScope()
    return home


def user_scope(role: Role, *, committee: Item | None, company: Item | None, store: Item | None) -> Scope:
    """Where a new admin user sits, from its role and the committee / company / store chosen for it.

    `committee`, `company` and `store` are the records the request named (None if it named none or
    they do not exist). Used by 管理ユーザ登録 and by マスタ一括登録 of users.
    """
    if role is Role.SYSTEM_ADMIN:
        return Scope()
    if role is Role.COMMITTEE_ADMIN:
        if committee is None:
            raise HomeFieldRefused("committee_id", "required", "committee_required")
        return Scope(str(committee["committee_id"]))
    if role in (Role.COMPANY_ADMIN, Role.COMPANY_STAFF):
        if company is None:
            raise HomeFieldRefused("company_id", "required", "company_required")
        return Scope(str(company["committee_id"]), str(company["company_id"]))
    if store is None:
        raise HomeFieldRefused("store_id", "required", "store_required")
    if company is not None and company["company_id"] != store["company_id"]:
        raise HomeFieldRefused("store_id", "mismatch", "store_of_other_company")
    return Scope(str(store["committee_id"]), str(store["company_id"]), str(store["store_id"]))
