"""店舗 rows: a store under a company of the uploader's committee; its 地区 join the committee's list."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shoken import entities, ids
from shoken.db import committees, keys, stores
from shoken.db.dynamo import Item
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime
from workers.bulk_kinds import Kind, Lap, References, Unique, named


class Stores(Kind):
    id_field = "store_id"

    def home(self, uploader: Principal, data: dict[str, Any], refs: References) -> Scope:
        _, company, _ = named(refs, data)
        return entities.store_home(uploader, company)

    def unique(self, model: BaseModel) -> list[Unique]:
        external = model.model_dump().get("external_store_id")
        return [Unique("外部店舗ID", "store", str(external))] if external else []

    def record(self, n: int, model: BaseModel, data: dict[str, Any], home: Scope, lap: Lap) -> Item:
        return stores.under(lap.refs[keys.company(str(home.company_id))], ids.store_id(n), now=lap.now, **data)

    def finish(self, rt: Runtime, job: Item, records: list[Item]) -> None:
        for committee_id in {str(r["committee_id"]) for r in records}:
            committees.add_areas(
                rt.db, committee_id, {str(r.get("area") or "") for r in records if r["committee_id"] == committee_id}
            )
