"""The AWS stand-in for benchmarks: moto in this process, set up as the local server sets it up."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from local import stack
from shoken import runtime
from shoken.clock import FrozenClock
from shoken.runtime import Runtime

NOON = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


@contextmanager
def moto_runtime(*, password_log_n: int = 10) -> Iterator[Runtime]:
    previous = dict(os.environ)
    with tempfile.TemporaryDirectory() as state:
        os.environ.update(stack.environment(Path(state), "http://127.0.0.1:8000"))
        os.environ["PASSWORD_HASH_LOG_N"] = str(password_log_n)
        mock = stack.start_moto()
        try:
            config = stack.LocalConfig.from_env()
            stack.create_resources(config)
            yield runtime.use(Runtime(config=config, clock=FrozenClock(NOON)))
        finally:
            mock.stop()
            os.environ.clear()
            os.environ.update(previous)
