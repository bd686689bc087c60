"""Admin users (管理ユーザ): console and merchant-app accounts with a role and a place in the hierarchy."""

from __future__ import annotations

from typing import Any

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Item


def committee_list_pk(committee_id: str | None) -> str:
    return f"USERS#{committee_id or 'SYSTEM'}"


def company_list_pk(company_id: str) -> str:
    return f"USERS#CO#{company_id}"


def item(
    user_id: str,
    *,
    login_id: str,
    name: str,
    email: str,
    role: str,
    password_hash: str,
    now: str,
    committee_id: str | None = None,
    company_id: str | None = None,
    store_id: str | None = None,
    **fields: Any,
) -> Item:
    pk, sk = keys.user(user_id)
    record: Item = {
        "PK": pk,
        "SK": sk,
        "kind": "user",
        "user_id": user_id,
        "login_id": login_id,
        "login_lower": login_id.lower(),
        "name": name,
        "email": email.lower(),
        "role": role,
        "committee_id": committee_id,
        "company_id": company_id,
        "store_id": store_id,
        "password_hash": password_hash,
        "must_change_password": True,
        "status": "active",
        "locked": False,
        "failed_logins": 0,
        "created_at": now,
        "updated_at": now,
        "L1PK": committee_list_pk(committee_id),
        "L1SK": user_id,
        **fields,
    }
    if company_id:
        record["L2PK"] = company_list_pk(company_id)
        record["L2SK"] = user_id
    return {k: v for k, v in record.items() if v is not None}


def login_item(login_id: str, user_id: str) -> Item:
    pk, sk = keys.login_name(login_id)
    return {"PK": pk, "SK": sk, "kind": "login", "user_id": user_id, "login_id": login_id}


def get(db: Dynamo, user_id: str, *, consistent: bool = True) -> Item | None:
    return db.get(keys.user(user_id), consistent=consistent)


def find_by_login(db: Dynamo, login_id: str) -> Item | None:
    """Login ID → user, with two strongly consistent GetItems (no index, so no stale reads)."""
    guard = db.get(keys.login_name(login_id))
    return get(db, str(guard["user_id"])) if guard else None
