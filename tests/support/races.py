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


def race(work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = work(n)
        except ShokenError as error:
            results[n] = error.code

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
