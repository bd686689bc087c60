"""ユーザ rows: console users of a role at or below the uploader's, each with a login ID of its own."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shoken import entities, ids
from shoken.db import users
from shoken.db.dynamo import Item
from shoken.principal import Principal, Scope
from shoken.roles import Role
from workers.bulk_kinds import Kind, Lap, References, Unique, named


class Users(Kind):
    id_field = "user_id"

    def home(self, uploader: Principal, data: dict[str, Any], refs: References) -> Scope:
        committee, company, store = named(refs, data)
        return entities.user_home(uploader, Role(data["role"]), committee=committee, company=company, store=store)

    def unique(self, model: BaseModel) -> list[Unique]:
        return [Unique("ログインID", "login", str(model.model_dump()["login_id"]).lower())]

    def record(self, n: int, model: BaseModel, data: dict[str, Any], home: Scope, lap: Lap) -> Item:
        return users.item(
            ids.admin_user_id(n),
            login_id=str(data["login_id"]),
            name=str(data["name"]),
            email=str(data["email"]),
            role=str(data["role"]),
            now=lap.now,
            committee_id=home.committee_id,
            company_id=home.company_id,
            store_id=home.store_id,
            note=data.get("note"),
            created_by=lap.uploader.user_id,
        )
