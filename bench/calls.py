"""DynamoDB calls and capacity per operation, counted by a botocore event hook on the real handlers.

Capacity is estimated from the items each call reads or writes, by DynamoDB's published rules
(strongly consistent read: 1 RCU per 4 KB; write: 1 WCU per 1 KB; transactions twice that; each
GSI an item appears in costs its own write), since moto does not report consumed capacity.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shoken.runtime import Runtime
from shoken.table import INDEXES


def item_size(raw: dict[str, Any]) -> int:
    """Approximate DynamoDB item size: attribute names plus values, as stored."""
    return sum(
        len(name.encode()) + len(json.dumps(value, separators=(",", ":")).encode()) for name, value in raw.items()
    )


def index_copies(raw: dict[str, Any]) -> int:
    return sum(1 for idx in INDEXES if idx.partition_key in raw and idx.sort_key in raw)


@dataclass
class Meter:
    calls: list[str] = field(default_factory=list)
    rcu: float = 0.0
    wcu: float = 0.0

    def before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        name = model.name
        self.calls.append(name)
        if name == "TransactWriteItems":
            for action in params["TransactItems"]:
                kind, body = next(iter(action.items()))
                size = item_size(body["Item"]) if kind == "Put" else 1024
                copies = 1 + (index_copies(body["Item"]) if kind == "Put" else 0)
                self.wcu += 2 * math.ceil(size / 1024) * copies
        elif name in ("PutItem",):
            self.wcu += math.ceil(item_size(params["Item"]) / 1024) * (1 + index_copies(params["Item"]))
        elif name in ("UpdateItem", "DeleteItem"):
            self.wcu += 1
        elif name == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    put = request.get("PutRequest", {}).get("Item", {})
                    self.wcu += math.ceil(item_size(put) / 1024) * (1 + index_copies(put)) if put else 1

    def after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        name = model.name
        if name == "GetItem" and "Item" in parsed:
            self.rcu += math.ceil(item_size(parsed["Item"]) / 4096)
        elif name == "BatchGetItem":
            for items in parsed.get("Responses", {}).values():
                self.rcu += sum(math.ceil(item_size(i) / 4096) for i in items)
        elif name == "Query":
            size = sum(item_size(i) for i in parsed.get("Items", []))
            self.rcu += max(1, math.ceil(size / 4096)) * (0.5 if not parsed.get("ConsistentRead") else 1)


def measure(rt: Runtime, operation: Callable[[], Any]) -> Meter:
    meter = Meter()
    events = rt.db.client.meta.events
    events.register("provide-client-params.dynamodb", meter.before)
    events.register("after-call.dynamodb", meter.after)
    try:
        operation()
    finally:
        events.unregister("provide-client-params.dynamodb", meter.before)
        events.unregister("after-call.dynamodb", meter.after)
    return meter
