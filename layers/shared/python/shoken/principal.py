"""Who is calling: the verified claims of a session, and the scope checks every read and write uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shoken.frozen import Frozen, set_field
from shoken.roles import Role


class Scope(Frozen):
    """Where a record lives in the hierarchy committee > company > store."""

    __slots__ = ("committee_id", "company_id", "store_id")
    committee_id: str | None
    company_id: str | None
    store_id: str | None

    def __init__(
        self, committee_id: str | None = None, company_id: str | None = None, store_id: str | None = None
    ) -> None:
        set_field(self, "committee_id", committee_id)
        set_field(self, "company_id", company_id)
        set_field(self, "store_id", store_id)

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> Scope:
        """The scope of any record that carries committee_id / company_id / store_id."""
        return cls(record.get("committee_id"), record.get("company_id"), record.get("store_id"))


class Principal(Frozen):
    __slots__ = (
        "app",
        "binding_id",
        "committee_id",
        "company_id",
        "csrf",
        "login_id",
        "name",
        "role",
        "session_id",
        "store_id",
        "terminal_id",
        "user_id",
    )
    user_id: str  # admin user id, or wallet id for a citizen
    role: Role
    session_id: str
    app: str  # "admin", "merchant" or "wallet": which cookie carried the session
    csrf: str
    committee_id: str | None
    company_id: str | None
    store_id: str | None
    terminal_id: str | None
    binding_id: str | None  # merchant app: the device binding its terminal must still hold
    login_id: str | None
    name: str | None

    def __init__(
        self,
        user_id: str,
        role: Role,
        session_id: str,
        app: str,
        csrf: str,
        committee_id: str | None = None,
        company_id: str | None = None,
        store_id: str | None = None,
        terminal_id: str | None = None,
        binding_id: str | None = None,
        login_id: str | None = None,
        name: str | None = None,
    ) -> None:
        set_field(self, "user_id", user_id)
        set_field(self, "role", role)
        set_field(self, "session_id", session_id)
        set_field(self, "app", app)
        set_field(self, "csrf", csrf)
        set_field(self, "committee_id", committee_id)
        set_field(self, "company_id", company_id)
        set_field(self, "store_id", store_id)
        set_field(self, "terminal_id", terminal_id)
        set_field(self, "binding_id", binding_id)
        set_field(self, "login_id", login_id)
        set_field(self, "name", name)

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
