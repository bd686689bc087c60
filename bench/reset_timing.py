"""パスワード再設定 answers an existing and an unknown login ID in the same time (issue 12.3).

The real handler in-process on moto, the two kinds of request interleaved (so drift and noise hit
both alike), the clock moved an hour between rounds so no throttle answers instead. The figure is
the difference of the medians against the spread of the samples: "the same within noise".
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench.sandbox import moto_runtime
from local import apigw
from shoken.clock import FrozenClock
from shoken.roles import Role
from tests.support.world import World

ROUNDS = 120
HEADERS = {"X-Shoken-App": "admin", "Content-Type": "application/json"}


def _once(login_id: str, n: int) -> float:
    body = f'{{"login_id": "{login_id}"}}'.encode()
    started = time.perf_counter()
    response = apigw.invoke(
        "POST", "/api/auth/password-reset", headers=HEADERS, body=body, source_ip=f"10.0.{n % 250}.1"
    )
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status == 200, response.body
    return elapsed


def run() -> dict[str, Any]:
    with moto_runtime() as rt:
        world = World(rt)
        committee = world.committee("1")
        world.user(Role.COMMITTEE_ADMIN, "ena-0001", committee=committee, password="ena-0001-Pass1")
        assert isinstance(rt.clock, FrozenClock)
        known: list[float] = []
        unknown: list[float] = []
        for n in range(ROUNDS + 10):
            rt.clock.advance(hours=1)
            pair = [("ena-0001", known), ("nobody-0001", unknown)]
            for login_id, samples in pair if n % 2 else reversed(pair):
                elapsed = _once(login_id, n)
                if n >= 10:  # the first rounds warm caches for both
                    samples.append(elapsed)
    known_ms, unknown_ms = statistics.median(known), statistics.median(unknown)
    spread = statistics.median(abs(x - known_ms) for x in known + unknown)  # median absolute deviation
    return {
        "known_ms": known_ms,
        "unknown_ms": unknown_ms,
        "difference_ms": known_ms - unknown_ms,
        "spread_ms": spread,
        "rounds": ROUNDS,
    }


if __name__ == "__main__":
    print(run())
