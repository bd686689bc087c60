"""The measuring half of bench/payment_cpu.py, run by the Lambda runtime's Python inside the payments
function's bundle (its code, its layers and the runtime's boto3, nothing else on the path).

It starts as Lambda starts the function: SHOKEN_FUNCTION and AWS_LAMBDA_FUNCTION_NAME are set, so
importing the handler runs the init phase (client, signing key, PIN pepper), with the stage's
Powertools settings (INFO logs, metrics flushed per invocation to stdout). Only the clock is fixed,
to the instant the recorded session and QR were made at. DynamoDB is the fake endpoint the parent
started (AWS_ENDPOINT_URL_DYNAMODB).

argv: the scene (JSON: event, now) and the file to write the figures to. Standard library and the
bundle only: nothing from bench/ or tests/ is importable here.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from payments import handler
from shoken import runtime
from shoken.clock import FrozenClock


class Context:
    """What Lambda passes as `context` (the fields Powertools' logger reads)."""

    function_name = "payments"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:ap-northeast-1:000000000000:function:payments"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def cpu_per_call(call: Callable[[], object], calls: int) -> float:
    start = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - start) / calls


def main(scene_file: str, out_file: str) -> None:
    with open(scene_file, encoding="utf-8") as source:
        scene = json.load(source)
    rt = runtime.get()
    rt.clock = FrozenClock(datetime.fromisoformat(scene["now"]))
    client = rt.db.client
    event, context = scene["event"], Context()

    sent: dict[str, dict[str, Any]] = {}

    def capture(params: dict[str, Any], model: Any, **_: object) -> None:
        sent[model.name] = dict(params)

    client.meta.events.register("provide-client-params.dynamodb.*", capture)
    reply = handler.lambda_handler(event, context)
    client.meta.events.unregister("provide-client-params.dynamodb.*", capture)
    if reply["statusCode"] != 200 or set(sent) != {"BatchGetItem", "TransactWriteItems"}:
        raise SystemExit(f"the payment did not run as recorded: {reply['statusCode']} {sorted(sent)} {reply['body']}")

    def payment() -> None:
        handler.lambda_handler(event, context)

    def floor() -> None:
        client.batch_get_item(**sent["BatchGetItem"])
        client.transact_write_items(**sent["TransactWriteItems"])

    calls, rounds = scene["calls"], scene["rounds"]
    cpu_per_call(payment, calls)
    cpu_per_call(floor, calls)  # warm both
    pays, floors = [], []
    for _ in range(rounds):
        pays.append(cpu_per_call(payment, calls))
        floors.append(cpu_per_call(floor, calls))
    figures = {
        "payment_ms": statistics.median(pays) * 1000,
        "floor_ms": statistics.median(floors) * 1000,
        "ratio": statistics.median(p / f for p, f in zip(pays, floors, strict=True)),
        "transact_items": float(len(sent["TransactWriteItems"]["TransactItems"])),
        "python": sys.version.split()[0],
    }
    with open(out_file, "w", encoding="utf-8") as out:
        json.dump(figures, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
