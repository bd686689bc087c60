"""端末 rows: a terminal of a store in the uploader's scope, with a four-digit password a resumed lap
derives again from the job's random seed."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from pydantic import BaseModel

from shoken import entities, ids
from shoken.db import keys, terminals
from shoken.db.dynamo import Item
from shoken.principal import Principal, Scope
from workers.bulk_kinds import Kind, Lap, References, Unique, named


class Terminals(Kind):
    id_field = "terminal_id"

    def home(self, uploader: Principal, data: dict[str, Any], refs: References) -> Scope:
        _, _, store = named(refs, data)
        return entities.terminal_home(uploader, store)

    def unique(self, model: BaseModel) -> list[Unique]:
        data = model.model_dump()
        return (
            [Unique("外部端末ID", "terminal", str(terminals.external_key(data)))]
            if data.get("external_terminal_id")
            else []
        )

    def record(self, n: int, model: BaseModel, data: dict[str, Any], home: Scope, lap: Lap) -> Item:
        terminal_id = ids.terminal_id(n)
        store = lap.refs[keys.store(str(home.store_id))]
        return terminals.under(store, terminal_id, password=_password(lap.seed, terminal_id), now=lap.now, **data)


def _password(seed: bytes, terminal_id: str) -> str:
    return f"{int.from_bytes(hmac.new(seed, terminal_id.encode(), hashlib.sha256).digest()[:4], 'big') % 10_000:04d}"
