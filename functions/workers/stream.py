"""Entry point for the table's DynamoDB stream: keeps the report totals of new transactions.

The event source mapping's filter (infra/names.py TOTALS_STREAM_FILTER) delivers only those records;
job items reach workers.queue through the jobs queue instead, so a long job never holds this shard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shoken import runtime
from shoken.config import WorkerConfig
from shoken.db.dynamo import Item, deserialize_item
from shoken.observability import entry, logger
from workers import totals

if TYPE_CHECKING:  # only the annotations name it: the runtime import costs a cold start about 5 ms (issue 19)
    from aws_lambda_powertools.utilities.typing import LambdaContext


def images(record: dict[str, Any]) -> tuple[Item | None, Item | None]:
    data = record.get("dynamodb", {})
    old = deserialize_item(data["OldImage"]) if data.get("OldImage") else None
    new = deserialize_item(data["NewImage"]) if data.get("NewImage") else None
    return old, new


@entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    rt = runtime.get(WorkerConfig)
    failures: list[dict[str, str]] = []
    for record in event.get("Records", []):
        old, new = images(record)
        try:
            if new is not None and old is None and new.get("kind") == "txn":
                totals.on_transaction(rt, new)
        except Exception:
            # Report this record as failed: the event source retries from it, so stop here (the
            # records after it come again; every consumer is idempotent).
            logger.exception("stream record failed", extra={"event_id": record.get("eventID")})
            failures.append({"itemIdentifier": str(record.get("dynamodb", {}).get("SequenceNumber", ""))})
            break
    return {"batchItemFailures": failures}
