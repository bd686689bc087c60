"""Entry point for the jobs queue: each message is a job item's stream record (EventBridge Pipes
forwards them from the table's stream, filtered to job items); a job lap runs here, off the shard."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from shoken import runtime
from shoken.config import WorkerConfig
from shoken.observability import entry, logger
from workers import jobs
from workers.stream import images

if TYPE_CHECKING:  # only the annotations name it: the runtime import costs a cold start about 5 ms (issue 19)
    from aws_lambda_powertools.utilities.typing import LambdaContext


@entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    rt = runtime.get(WorkerConfig)
    failures: list[dict[str, str]] = []
    for message in event.get("Records", []):
        try:
            old, new = images(json.loads(message["body"]))
            if new is not None and new.get("kind") == "job":
                jobs.on_change(rt, old, new, context)
        except Exception:
            # The message comes back after its visibility timeout, then goes to the failure queue;
            # a job's lap is idempotent (it resumes from the job item's checkpoint).
            logger.exception("job message failed", extra={"message_id": message.get("messageId")})
            failures.append({"itemIdentifier": str(message.get("messageId", ""))})
    return {"batchItemFailures": failures}
