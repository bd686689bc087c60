"""企業 rows: a company joins the committee named (a committee admin who names none gets their own)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shoken import entities, ids
from shoken.db import companies
from shoken.db.dynamo import Item
from shoken.principal import Principal, Scope
from workers.bulk_kinds import Kind, Lap, References, Unique, named


class Companies(Kind):
    id_field = "company_id"

    def home(self, uploader: Principal, data: dict[str, Any], refs: References) -> Scope:
        committee, _, _ = named(refs, data)
        return entities.company_home(uploader, data.get("committee_id"), committee)

    def unique(self, model: BaseModel) -> list[Unique]:
        external = model.model_dump().get("external_company_id")
        return [Unique("外部企業ID", "company", str(external))] if external else []

    def record(self, n: int, model: BaseModel, data: dict[str, Any], home: Scope, lap: Lap) -> Item:
        return companies.item(ids.company_id(n), committee_id=str(home.committee_id), now=lap.now, **data)
