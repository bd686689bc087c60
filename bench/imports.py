"""Cold import time of each function's handler module, against `import boto3` alone, in a fresh
interpreter that sees only what the Lambda sees: the dependencies of requirements/lambda.txt
installed apart (no moto, no cryptography), the shared layer and the function's code. Median of
several runs; the ratios are taken per run, so machine noise cancels out. The "floor" is the
third-party stack every handler needs (boto3, a validating Powertools resolver with a pydantic
model, Logger, Metrics, PyJWT): what is above it is shoken's own code."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPS = ROOT / "bench" / ".lambda-deps"
RUNS = 7
MODULES = ["auth.handler", "admin.handler", "payments.handler", "wallet.handler", "history.handler", "workers.stream"]
FLOOR = (
    "import boto3, boto3.dynamodb.types, jwt; from aws_lambda_powertools import Logger, Metrics; "
    "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver; from pydantic import BaseModel, Field; "
    "app = APIGatewayHttpResolver(enable_validation=True)\n"
    "class M(BaseModel):\n    a: int = Field(ge=1)\n"
    "@app.post('/x')\ndef f(body: M) -> M:\n    return body"
)


def _deps() -> Path:
    """The Lambda's third-party packages, installed once for this Python (the layer itself is arm64)."""
    marker = DEPS / ".installed"
    wanted = (ROOT / "requirements" / "lambda.txt").read_text()
    if not marker.exists() or marker.read_text() != wanted:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", str(DEPS), "--upgrade",
             "-r", str(ROOT / "requirements" / "lambda.txt"), "boto3==1.44.8"],
            check=True,
        )  # fmt: skip
        marker.write_text(wanted)
    return DEPS


def _time(code: str) -> float:
    path = f"{_deps()}:{ROOT / 'layers' / 'shared' / 'python'}:{ROOT / 'functions'}"
    probe = "import time\nt = time.perf_counter()\n" + code + "\nprint(time.perf_counter() - t)"
    reply = subprocess.run(
        [sys.executable, "-S", "-c", probe],  # -S: no site-packages, as in Lambda
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": path, "AWS_DEFAULT_REGION": "ap-northeast-1", "POWERTOOLS_TRACE_DISABLED": "true"},
    )
    return float(reply.stdout.strip().splitlines()[-1])


def run() -> list[dict[str, float | str]]:
    for code in ("import boto3", FLOOR, *(f"import {m}" for m in MODULES)):
        _time(code)  # write the bytecode caches once, as a deployed function's would be
    rows: list[dict[str, float | str]] = []
    for label, code in [("third-party floor", FLOOR), *((m, f"import {m}") for m in MODULES)]:
        ratios, seconds, base = [], [], []
        for _ in range(RUNS):
            boto = _time("import boto3")
            mine = _time(code)
            ratios.append(mine / boto)
            seconds.append(mine)
            base.append(boto)
        rows.append(
            {
                "module": label,
                "ms": statistics.median(seconds) * 1000,
                "boto3_ms": statistics.median(base) * 1000,
                "ratio": statistics.median(ratios),
            }
        )
    return rows
