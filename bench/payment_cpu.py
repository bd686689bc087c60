"""CPU per payment with the SDK's real work: the whole payment Lambda entry point, its DynamoDB
calls serialized, signed, sent over HTTP and parsed by botocore, answered by a fake DynamoDB on
loopback (another process, so its CPU is not counted) replaying recorded answers. Beside it, the
floor: the same two SDK calls (the BatchGetItem and TransactWriteItems the handler sent, captured
from it) made alone on the same client. Process CPU time (time.process_time), median of rounds.

What is measured is what production runs: the payments function's bundle as the deploy builds it
(bench/imports.py), started by the Lambda runtime's Python with the stage's environment, init phase
and Powertools settings (INFO logs, metrics flushed per invocation), in bench/payment_cpu_probe.py.
This process only records the scene on moto (the session, the till, the wallet and the answer to
the payment's read), which needs the test stack and so the machine's Python.

Run for a wallet of 4 value buckets (one purchase) and of 60 (fifteen purchases), since the
wallet item and the transaction grow with the buckets. Issue 19's targets: at most 1.3x the floor
at 4 buckets and 1.6x at 60.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import imports
from bench.sandbox import NOON, TERMS, payment_scene
from infra import bundling
from infra.constructs.functions import function_environment
from local import stack
from shoken import money
from shoken.clock import FrozenClock
from shoken.runtime import Runtime

ROUNDS = 11  # rounds of payments and floors, interleaved; the median evens out a shared machine
CALLS = 100
TARGETS = {4: 1.3, 60: 1.6}
PROBE = Path(__file__).with_name("payment_cpu_probe.py")

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


def _scene(rt: Runtime, bucket_count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A signed-in till, a wallet of `bucket_count` buckets, and the recorded BatchGetItem answer."""
    buckets: list[money.Bucket] = []
    for purchase in range(bucket_count // 4):
        buckets += money.purchase_buckets(TERMS, 5, source=f"S{purchase:02d}", created_at="2026-11-01T00:00:00Z")
    assert len(buckets) == bucket_count, len(buckets)
    return payment_scene(rt, buckets)


def _record(bucket_count: int, state: Path) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
    """The local stack's settings, the payment event and the BatchGetItem answer, made on moto."""
    previous = dict(os.environ)
    try:
        values = stack.environment(state, "http://127.0.0.1:8000")
        os.environ.update(values)
        os.environ["PASSWORD_HASH_LOG_N"] = "10"  # noqa: S105 - a cost factor, not a password
        mock = stack.start_moto()
        try:
            config = stack.LocalConfig.from_env()
            stack.create_resources(config)
            event, batch_reply = _scene(Runtime(config=config, clock=FrozenClock(NOON)), bucket_count)
        finally:
            mock.stop()
        return values, event, batch_reply
    finally:
        os.environ.clear()
        os.environ.update(previous)


def measure(bucket_count: int, bundle: imports.Bundle) -> dict[str, Any]:
    """The figures of bench/payment_cpu_probe.py, run in the payments bundle by the runtime's Python."""
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        values, event, batch_reply = _record(bucket_count, state)
        scene, out = state / "scene.json", state / "figures.json"
        scene.write_text(json.dumps({"event": event, "now": NOON.isoformat(), "calls": CALLS, "rounds": ROUNDS}))
        with fake_dynamodb({"BatchGetItem": batch_reply, "TransactWriteItems": {}}, state) as endpoint:
            environment = {
                **function_environment("payments", values, service="shoken-bench-payments"),
                "PYTHONPATH": bundle.path,
                "PYTHONDONTWRITEBYTECODE": "1",
                "AWS_LAMBDA_FUNCTION_NAME": "payments",  # with SHOKEN_FUNCTION: the init phase runs
                "AWS_DEFAULT_REGION": stack.REGION,
                "AWS_REGION": stack.REGION,
                "AWS_ACCESS_KEY_ID": "bench",
                "AWS_SECRET_ACCESS_KEY": "bench",  # signed for real, checked by nobody
                "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            }
            probe = subprocess.run(
                [str(bundling.runtime_python()), "-S", "-B", "-P", str(PROBE), str(scene), str(out)],
                env=environment,
                cwd="/",
                stdout=subprocess.DEVNULL,  # the function's log and metric lines, as Lambda's stdout
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        if probe.returncode != 0:
            raise RuntimeError(f"the payment probe failed in the bundle: {probe.stderr.strip()[-2000:]}")
        figures: dict[str, Any] = json.loads(out.read_text())
        return figures


def run() -> list[dict[str, Any]]:
    bundle = imports.build_bundles()["payments"]
    rows = []
    for bucket_count, target in TARGETS.items():
        result = measure(bucket_count, bundle)
        rows.append({"buckets": float(bucket_count), **result, "target": target})
    return rows
