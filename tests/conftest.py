"""Fixtures shared by every suite: the AWS stand-in (moto, same set-up as the local server)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from local import stack
from shoken import runtime
from shoken.clock import FrozenClock
from shoken.runtime import Runtime

# Every test's log records are scanned for personal data (issue 23.5, tests/support/log_scan.py).
pytest_plugins = ("tests.support.log_scan",)

# Noon in Japan on a fixed day, so date rules (expiry, 60-day ranges, 90-day cancels) are repeatable.
START = datetime(2026, 11, 29, 3, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def rt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FrozenClock) -> Iterator[Runtime]:
    """moto with the table, buckets and mail identity of the local stack; a Runtime on a frozen clock."""
    env = stack.environment(tmp_path, "http://127.0.0.1:8000")
    env["PASSWORD_HASH_LOG_N"] = "10"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    mock = stack.start_moto()
    try:
        config = stack.LocalConfig.from_env()
        stack.create_resources(config)
        yield runtime.use(Runtime(config=config, clock=clock))
    finally:
        mock.stop()
