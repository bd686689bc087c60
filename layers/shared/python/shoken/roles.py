"""Roles (SPEC §1) and the ordering used to decide who may manage whom."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SYSTEM_ADMIN = "system_admin"
    COMMITTEE_ADMIN = "committee_admin"
    COMPANY_ADMIN = "company_admin"
    COMPANY_STAFF = "company_staff"
    STORE_MANAGER = "store_manager"
    STORE_STAFF = "store_staff"
    CITIZEN = "citizen"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def rank(self) -> int:
        """Lower is broader. A user may create or manage users of a rank at or below (>=) its own."""
        return _RANK[self]


ROLE_LABELS: dict[Role, str] = {
    Role.SYSTEM_ADMIN: "システム管理者",
    Role.COMMITTEE_ADMIN: "アクワイアラ管理者",
    Role.COMPANY_ADMIN: "企業管理者",
    Role.COMPANY_STAFF: "企業担当者",
    Role.STORE_MANAGER: "店舗管理者",
    Role.STORE_STAFF: "店舗担当者",
    Role.CITIZEN: "アプリユーザ",
}

_RANK: dict[Role, int] = {
    Role.SYSTEM_ADMIN: 0,
    Role.COMMITTEE_ADMIN: 1,
    Role.COMPANY_ADMIN: 2,
    Role.COMPANY_STAFF: 3,
    Role.STORE_MANAGER: 4,
    Role.STORE_STAFF: 5,
    Role.CITIZEN: 9,
}

ADMIN_ROLES = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.COMMITTEE_ADMIN,
        Role.COMPANY_ADMIN,
        Role.COMPANY_STAFF,
        Role.STORE_MANAGER,
        Role.STORE_STAFF,
    }
)
CONSOLE_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN, Role.COMPANY_ADMIN, Role.COMPANY_STAFF})
MERCHANT_ROLES = frozenset({Role.STORE_MANAGER, Role.STORE_STAFF})
