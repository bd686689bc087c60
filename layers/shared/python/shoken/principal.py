"""Who is calling: the verified claims of a session, and the scope checks every read and write uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shoken.roles import Role


@dataclass(frozen=True)
class Scope:
    """Where a record lives in the hierarchy committee > company > store."""

    committee_id: str | None = None
    company_id: str | None = None
    store_id: str | None = None

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> Scope:
        """The scope of any record that carries committee_id / company_id / store_id."""
        return cls(record.get("committee_id"), record.get("company_id"), record.get("store_id"))


@dataclass(frozen=True)
class Principal:
    user_id: str  # admin user id, or wallet id for a citizen
    role: Role
    session_id: str
    app: str  # "admin", "merchant" or "wallet": which cookie carried the session
    csrf: str
    committee_id: str | None = None
    company_id: str | None = None
    store_id: str | None = None
    terminal_id: str | None = None
    binding_id: str | None = None  # merchant app: the device binding its terminal must still hold
    login_id: str | None = None
    name: str | None = None

    @property
    def home_pk(self) -> str:
        """The partition holding this principal's session records (revoked together)."""
        return f"WALLET#{self.user_id}" if self.role is Role.CITIZEN else f"USER#{self.user_id}"

    @property
    def scope(self) -> Scope:
        return Scope(self.committee_id, self.company_id, self.store_id)

    def in_committee(self, committee_id: str | None) -> bool:
        """True for the system admin and for anyone of that committee (committee-wide records such as
        programmes, which every console user of the committee may read)."""
        return self.role is Role.SYSTEM_ADMIN or (committee_id is not None and committee_id == self.committee_id)

    def covers(self, target: Scope) -> bool:
        """True if a record at `target` is inside this principal's scope (SPEC §1)."""
        if self.role is Role.SYSTEM_ADMIN:
            return True
        if self.role is Role.CITIZEN:
            return False
        if self.committee_id is None or target.committee_id != self.committee_id:
            return False
        if self.role is Role.COMMITTEE_ADMIN:
            return True
        if target.company_id != self.company_id:
            return False
        if self.role in (Role.COMPANY_ADMIN, Role.COMPANY_STAFF):
            return True
        return target.store_id == self.store_id
