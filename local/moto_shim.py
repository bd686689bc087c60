"""Two corrections to in-process moto that the local server and the tests both need.

1. moto is not safe for concurrent calls: every AWS call made through it is serialized by one
   re-entrant lock, so threads may interleave application code but never moto's internals.
2. moto's TransactWriteItems deep-copies the whole table (stream records included) before each
   transaction, so it slows as the table grows. The copy is replaced by an undo log of only the
   items the transaction touches, restored (with the stream trimmed) when it is cancelled.
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

LOCK = threading.RLock()
_installed = False


class _NoTableCopy:
    """Stands in for the `copy` module inside moto.dynamodb.models: tables are not copied."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        from moto.dynamodb.models.table import Table

        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.core.botocore_stubber import BotocoreStubber
    from moto.dynamodb import models as dynamodb_models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType

    original_process = BotocoreStubber.process_request

    @functools.wraps(original_process)
    def serialized(self: Any, request: Any) -> Any:
        with LOCK:
            return original_process(self, request)

    BotocoreStubber.process_request = serialized  # type: ignore[method-assign]

    original_transact = DynamoDBBackend.transact_write_items
    dynamodb_models.copy = _NoTableCopy()  # type: ignore[assignment]

    def keys_of(table: Any, op_type: str, op: dict[str, Any]) -> tuple[Any, Any]:
        source = op["Item"] if op_type == "Put" else op["Key"]
        hash_value = DynamoType(source[table.hash_key_attr])
        range_value = DynamoType(source[table.range_key_attr]) if table.range_key_attr else None
        return hash_value, range_value

    @functools.wraps(original_transact)
    def transact_with_undo(self: Any, transact_items: list[dict[str, Any]]) -> None:
        undo: list[tuple[Any, Any, Any, Any]] = []
        stream_lengths: dict[int, tuple[Any, int]] = {}
        for action in transact_items:
            try:
                op_type, op = next(iter(action.items()))
                table = self.get_table(op["TableName"])
                hash_value, range_value = keys_of(table, op_type, op)
            except Exception:  # noqa: S112 - malformed actions are for moto itself to reject
                continue
            current = table.get_item(hash_value, range_value)
            undo.append((table, hash_value, range_value, copy.deepcopy(current) if current else None))
            if table.stream_shard is not None:
                stream_lengths[id(table)] = (table.stream_shard, len(table.stream_shard.items))
        try:
            original_transact(self, transact_items)
        except Exception:
            for table, hash_value, range_value, before in reversed(undo):
                bucket = table.items[hash_value] if range_value is not None else table.items
                slot = range_value if range_value is not None else hash_value
                if before is None:
                    bucket.pop(slot, None)
                    if range_value is not None and not table.items[hash_value]:
                        table.items.pop(hash_value, None)
                else:
                    bucket[slot] = before
            for shard, length in stream_lengths.values():
                del shard.items[length:]
            raise

    DynamoDBBackend.transact_write_items = transact_with_undo  # type: ignore[method-assign]
    _installed = True
