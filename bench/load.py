"""The local stack end to end: payments per second and their latency through `make run`'s server on
loopback, with a bounded load (a fixed number of payments from a few concurrent tills).

This is a figure of the local stack (one process, moto serialized), not of AWS: it shows the whole
path works under concurrent load and where the local server's ceiling is."""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.e2e.conftest import LocalServer, start_server
from tests.support import mailbox
from tests.support.client import Client, over_http

CITIZENS = 10
TOKENS_PER_CITIZEN = 20
CONCURRENCY = 4


def _console(base: str, mails: Any) -> Client:
    admin = Client("admin", over_http(base))
    step = admin.post("/api/auth/login", {"login_id": "ena-0001", "password": "ena-0001"}).json
    if step["next"] == "change_password":
        admin.post(
            "/api/auth/initial-password", {"new_password": "Bench-ena-2026", "confirm_password": "Bench-ena-2026"}
        )
    admin.post("/api/auth/verify", {"code": mailbox.last_code("ena0001@shoken.example", mails())})
    return admin


@contextlib.contextmanager
def local_console() -> Iterator[tuple[LocalServer, Client, str]]:
    """A fresh local server (its own state, a free port) with the committee's console signed in, and its
    first programme's id; the server is stopped on the way out."""
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "state")
        try:
            admin = _console(server.base_url, server.mails)
            yield server, admin, admin.get("/api/admin/programmes").json["items"][0]["programme_id"]
        finally:
            server.process.terminate()
            server.process.wait(timeout=30)


def run() -> dict[str, float]:
    with local_console() as (server, admin, programme):
        base = server.base_url
        tokens: list[str] = []
        for n in range(CITIZENS):
            email = f"load{n}@example.jp"
            citizen = Client("wallet", over_http(base))
            citizen.post("/api/wallet/auth/start", {"email": email})
            wallet = citizen.post("/api/auth/verify", {"code": mailbox.last_code(email, server.mails())}).json["me"][
                "user_id"
            ]
            admin.post(
                "/api/admin/charges",
                {
                    "programme_id": programme,
                    "units": 1,
                    "wallet_id": wallet,
                    "idempotency_key": f"load-charge-{n:08d}",
                },
            )
            tokens += [citizen.post("/api/wallet/qr").json["token"] for _ in range(TOKENS_PER_CITIZEN)]
        terminal_id, password = server.terminal("エーナ食堂 本店")
        till = Client("merchant", over_http(base))
        till.post("/api/merchant/terminal/bind", {"terminal_id": terminal_id, "password": password})
        till.post("/api/merchant/login", {"login_id": "shopuser01", "password": "shopuser01"})
        till.post(
            "/api/auth/initial-password", {"new_password": "Bench-shop-2026", "confirm_password": "Bench-shop-2026"}
        )
        latencies: list[float] = []
        failures: list[int] = []
        lock = threading.Lock()
        queue = list(enumerate(tokens))

        def worker() -> None:
            me = Client("merchant", over_http(base), cookies=dict(till.cookies), csrf=till.csrf)
            while True:
                with lock:
                    if not queue:
                        return
                    n, token = queue.pop()
                start = time.perf_counter()
                reply = me.post(
                    "/api/payments", {"token": token, "amount": 10, "idempotency_key": f"load-pay-{n:010d}"}
                )
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if reply.status != 200:
                        failures.append(reply.status)

        threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "payments": len(latencies),
        "failed": len(failures),
        "per_second": len(latencies) / wall,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "concurrency": CONCURRENCY,
    }
