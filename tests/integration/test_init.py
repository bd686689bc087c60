"""In Lambda the clients, the signing key and the origin secret are made and read during the init
phase, so the first payment of the morning pays for none of them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3

from shoken.clock import FrozenClock
from shoken.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]


def test_prime_reads_the_origin_secret_and_signing_key_before_any_request(rt: Runtime, clock: FrozenClock) -> None:
    # Given a function whose origin secret lives in Secrets Manager
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(Name="shoken-origin-init", SecretString="init-origin-secret-0123456789")["ARN"]
    fresh = Runtime(config=rt.config.model_copy(update={"origin_secret_id": arn}), clock=clock)
    # When the init phase primes it, and the secret then becomes unreadable
    fresh.prime()
    secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    # Then the first request is checked against what init read, with no read of its own
    assert fresh.origin_secret_matches("init-origin-secret-0123456789")
    assert {"db", "session_key", "ses", "s3"} <= set(vars(fresh))


def test_a_failure_at_init_is_left_to_the_first_request(rt: Runtime, clock: FrozenClock) -> None:
    # Given an origin secret that cannot be read yet at init
    secrets = boto3.client("secretsmanager")
    fresh = Runtime(config=rt.config.model_copy(update={"origin_secret_id": "shoken-origin-late"}), clock=clock)
    # When init primes: no exception (a cold start must not become an init error), the client is made
    fresh.prime()
    assert "db" in vars(fresh)
    # Then once the secret is readable, the first request reads it itself
    secrets.create_secret(Name="shoken-origin-late", SecretString="late-origin-secret-0123456789")
    assert fresh.origin_secret_matches("late-origin-secret-0123456789")


def test_in_lambda_importing_the_runtime_builds_and_primes_the_functions_runtime(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("k" * 40)
    probe = (
        "from shoken import runtime\n"
        "rt = runtime._Holder.current\n"
        "print(type(rt.config).__name__, sorted(k for k in vars(rt) if k in ('db', 'session_key')))\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": f"{ROOT / 'layers' / 'shared' / 'python'}",
        "AWS_DEFAULT_REGION": "ap-northeast-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_LAMBDA_FUNCTION_NAME": "shoken-ena-dev-payments",
        "SHOKEN_FUNCTION": "payments",
        "STAGE": "dev",
        "TABLE_NAME": "shoken-ena-dev",
        "SESSION_KEY_FILE": str(key),
        "PIN_PEPPER_FILE": str(key),
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    reply = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False)
    assert reply.returncode == 0, reply.stderr
    assert reply.stdout.split("\n")[0] == "PaymentsConfig ['db', 'session_key']"
