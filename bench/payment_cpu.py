"""CPU per payment with the SDK's real work: the whole payment Lambda entry point, its DynamoDB
calls serialized, signed, sent over HTTP and parsed by botocore, answered by a fake DynamoDB on
loopback (another process, so its CPU is not counted) replaying recorded answers. Beside it, the
floor: the same two SDK calls (the BatchGetItem and TransactWriteItems the handler sent, captured
from it) made alone on the same client. Process CPU time (time.process_time), median of rounds.

Run for a wallet of 4 value buckets (one purchase) and of 60 (fifteen purchases), since the
wallet item and the transaction grow with the buckets. Issue 19's targets: at most 1.3x the floor
at 4 buckets and 1.6x at 60.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

from bench.sandbox import NOON, TERMS, payment_scene
from local import apigw, stack
from shoken import money, runtime
from shoken.clock import FrozenClock
from shoken.db.dynamo import Dynamo
from shoken.runtime import Runtime

ROUNDS = 7
CALLS = 100
TARGETS = {4: 1.3, 60: 1.6}

# A DynamoDB that answers each operation (X-Amz-Target) with a recorded JSON body, over HTTP/1.1
# keep-alive like the real endpoint. It reads its answers from the file named by argv[1].
FAKE_DYNAMODB = r"""
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWERS = json.load(open(sys.argv[1]))

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each answer waits for the client's delayed ACK (40 ms)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        body = ANSWERS.get(operation, "{}").encode()
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-RequestId: fake\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.wfile.write(head.encode() + body)  # one segment

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


@contextmanager
def fake_dynamodb(answers: dict[str, Any], workdir: Path) -> Iterator[str]:
    """The endpoint URL of a fake DynamoDB on loopback answering with `answers` (operation -> body)."""
    answers_file = workdir / "answers.json"
    answers_file.write_text(json.dumps({op: json.dumps(body) for op, body in answers.items()}))
    server = subprocess.Popen(
        [sys.executable, "-c", FAKE_DYNAMODB, str(answers_file)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _scene(rt: Runtime, bucket_count: int) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """A signed-in till, a wallet of `bucket_count` buckets, and the recorded BatchGetItem answer."""
    buckets: list[money.Bucket] = []
    for purchase in range(bucket_count // 4):
        buckets += money.purchase_buckets(TERMS, 5, source=f"S{purchase:02d}", created_at="2026-11-01T00:00:00Z")
    assert len(buckets) == bucket_count, len(buckets)
    event, batch_reply = payment_scene(rt, buckets)
    return event, batch_reply, rt.session_key


def _cpu_per_call(call: Callable[[], object]) -> float:
    start = time.process_time()
    for _ in range(CALLS):
        call()
    return (time.process_time() - start) / CALLS


def measure(bucket_count: int) -> dict[str, float]:
    previous = dict(os.environ)
    with tempfile.TemporaryDirectory() as state:
        os.environ.update(stack.environment(Path(state), "http://127.0.0.1:8000"))
        os.environ["PASSWORD_HASH_LOG_N"] = "10"  # noqa: S105 - a cost factor, not a password
        mock = stack.start_moto()
        try:
            config = stack.LocalConfig.from_env()
            stack.create_resources(config)
            clock = FrozenClock(NOON)
            event, batch_reply, session_key = _scene(Runtime(config=config, clock=clock), bucket_count)
        finally:
            mock.stop()  # from here on botocore really sends its requests
        try:
            with fake_dynamodb({"BatchGetItem": batch_reply, "TransactWriteItems": {}}, Path(state)) as endpoint:
                client = boto3.client(
                    "dynamodb",
                    endpoint_url=endpoint,
                    aws_access_key_id="bench",
                    aws_secret_access_key="bench",  # signed for real, checked by nobody
                    config=runtime._BOTO,  # the functions' own client settings
                )
                rt = Runtime(config=config, clock=clock)
                vars(rt)["db"] = Dynamo(client, config.table_name)
                vars(rt)["session_key"] = session_key
                runtime.use(rt)
                return _rounds(rt, client, event)
        finally:
            os.environ.clear()
            os.environ.update(previous)


def _rounds(rt: Runtime, client: Any, event: dict[str, Any]) -> dict[str, float]:
    from payments import handler

    sent: dict[str, dict[str, Any]] = {}

    def capture(params: dict[str, Any], model: Any, **_: Any) -> None:
        sent[model.name] = dict(params)

    client.meta.events.register("provide-client-params.dynamodb.*", capture)
    context = apigw.FakeLambdaContext("bench")
    reply = handler.lambda_handler(event, context)
    assert reply["statusCode"] == 200, reply
    client.meta.events.unregister("provide-client-params.dynamodb.*", capture)
    assert set(sent) == {"BatchGetItem", "TransactWriteItems"}, sorted(sent)

    def payment() -> None:
        handler.lambda_handler(event, context)

    def floor() -> None:
        client.batch_get_item(**sent["BatchGetItem"])
        client.transact_write_items(**sent["TransactWriteItems"])

    _cpu_per_call(payment)
    _cpu_per_call(floor)  # warm both
    pays, floors = [], []
    for _ in range(ROUNDS):
        pays.append(_cpu_per_call(payment))
        floors.append(_cpu_per_call(floor))
    return {
        "payment_ms": statistics.median(pays) * 1000,
        "floor_ms": statistics.median(floors) * 1000,
        "ratio": statistics.median(p / f for p, f in zip(pays, floors, strict=True)),
        "transact_items": float(len(sent["TransactWriteItems"]["TransactItems"])),
    }


def run() -> list[dict[str, float]]:
    rows = []
    for bucket_count, target in TARGETS.items():
        result = measure(bucket_count)
        rows.append({"buckets": float(bucket_count), **result, "target": target})
    return rows
