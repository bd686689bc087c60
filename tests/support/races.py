"""Running one piece of work on several threads at once, released together by a barrier.

moto is serialized per call (local/moto_shim.py), so the threads interleave the application code
between DynamoDB calls; only the conditions of the writes keep them apart, as in AWS.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from shoken.errors import ShokenError

THREADS = 8


def race(work: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """`work(n)` on `threads` threads at once: each one's result, or the code of the ShokenError it raised."""
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = work(n)
        except ShokenError as error:
            results[n] = error.code

    started = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=60)
    return results
