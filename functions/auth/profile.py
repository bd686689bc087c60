"""Who the signed-in caller is, with the names of their committee, company and store (GET /api/auth/me)."""

from __future__ import annotations

from auth.schemas import Me
from shoken.db import committees, keys, wallets
from shoken.db.dynamo import Item
from shoken.db.records import Wallet
from shoken.errors import Unauthenticated
from shoken.principal import Principal
from shoken.roles import Role
from shoken.runtime import Runtime


def for_user(rt: Runtime, user: Item, *, app: str, ends: int, terminal_id: str | None = None) -> Me:
    wanted = keys.places(user)
    found = rt.db.batch_get(wanted, consistent=False) if wanted else {}

    def name_of(key: tuple[str, str] | None) -> str | None:
        record = found.get(key) if key else None
        return str(record["name"]) if record else None

    role = Role(user["role"])
    return Me(
        user_id=str(user["user_id"]),
        role=role.value,
        role_label=role.label,
        app=app,
        name=user.get("name"),
        login_id=user.get("login_id"),
        email=user.get("email"),
        committee_id=user.get("committee_id"),
        committee_name=name_of(keys.committee(str(user["committee_id"])) if user.get("committee_id") else None),
        company_id=user.get("company_id"),
        company_name=name_of(keys.company(str(user["company_id"])) if user.get("company_id") else None),
        store_id=user.get("store_id"),
        store_name=name_of(keys.store(str(user["store_id"])) if user.get("store_id") else None),
        terminal_id=terminal_id,
        session_expires_at=ends,
    )


def for_wallet(rt: Runtime, wallet: Wallet, *, ends: int) -> Me:
    committee = committees.get(rt.db, wallet.committee_id)
    return Me(
        user_id=wallet.wallet_id,
        role=Role.CITIZEN.value,
        role_label=Role.CITIZEN.label,
        app="wallet",
        email=wallet.email,
        committee_id=wallet.committee_id,
        committee_name=committee["name"] if committee else None,
        wallet_service_name=committee.get("wallet_service_name") if committee else None,
        session_expires_at=ends,
    )


def of_principal(rt: Runtime, caller: Principal, ends: int) -> Me:
    if caller.role is Role.CITIZEN:
        wallet = wallets.get(rt.db, caller.user_id, consistent=False)
        if wallet is None:
            raise Unauthenticated()
        return for_wallet(rt, wallet, ends=ends)
    from shoken.db import users

    user = users.get(rt.db, caller.user_id, consistent=False)
    if user is None:
        raise Unauthenticated()
    return for_user(rt, user, app=caller.app, ends=ends, terminal_id=caller.terminal_id)
